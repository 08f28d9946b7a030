import { describe, expect, it } from 'vitest';
import { checkTemplateSend, describeProblem } from '../../src/templates/check-template-send.ts';
import { currency, mediaParam, template, type TemplateSpec } from '../../src/messages/template-builders.ts';
import { text } from '../../src/messages/builders.ts';
import type { OutboundMessage } from '../../src/messages/outbound.ts';
import { TEMPLATES } from './template-fixtures.ts';

const shipped = (spec: Partial<TemplateSpec> = {}, language = 'en_US'): OutboundMessage =>
  template('order_shipped', language, {
    header: mediaParam('image', { link: 'https://example.com/box.jpg' }),
    body: ['Ada', '#1042', 'Monday'],
    buttons: [
      { index: 1, type: 'url', value: '1042' },
      { index: 2, type: 'copy_code', value: 'SAVE10' },
    ],
    ...spec,
  });

const problems = (message: OutboundMessage) => checkTemplateSend(TEMPLATES, message).map(describeProblem);

describe('checkTemplateSend', () => {
  it('accepts sends that fit: positional with media header and buttons, named, flow, catalog', () => {
    expect(problems(shipped())).toEqual([]);
    expect(problems(shipped({ buttons: [{ index: 0, type: 'quick_reply', value: 'track' }, { index: 1, type: 'url', value: '1042' }, { index: 2, type: 'copy_code', value: 'SAVE10' }] }))).toEqual([]);
    expect(problems(template('welcome', 'en', { header: { type: 'text', text: 'Ada', parameter_name: 'first_name' }, body: { first_name: 'Ada', code: 'A1' } }))).toEqual([]);
    expect(problems(template('book_delivery', 'en', { buttons: [{ index: 0, type: 'flow', flowToken: 't-1' }] }))).toEqual([]);
    expect(problems(template('book_delivery', 'en'))).toEqual([]);
    expect(problems(template('intro_catalog_offer', 'en_US', { body: ['100', '400'], buttons: [{ index: 0, type: 'catalog', thumbnailProduct: 'sku' }] }))).toEqual([]);
    expect(problems(template('order_shipped', 'de', { body: ['Ada', '#1', 'Montag', ] }))).toEqual([]);
    expect(problems(template('order_shipped', 'de', { body: ['Ada', currency(1, 'EUR', '1 €'), 'Montag'] }))).toEqual([]);
  });

  it('ignores messages that are not templates', () => {
    expect(checkTemplateSend(TEMPLATES, text('hi'))).toEqual([]);
  });

  it.each([
    ['an unknown template', template('order_shiped', 'en_US'), 132001, 'template order_shiped (en_US), template: expected a template of that name in the business account, got no such template'],
    ['a language the template lacks', shipped({}, 'fr'), 132001, 'template order_shipped (fr), template: expected a translation in fr, got only de, en_US'],
    ['a paused template', template('spring_sale', 'en'), 132015, 'template spring_sale (en), template: expected status APPROVED, got status PAUSED'],
    ['a pending template', template('new_arrivals', 'en'), 132001, 'template new_arrivals (en), template: expected status APPROVED, got status PENDING'],
    ['one body parameter too few', shipped({ body: ['Ada', '#1042'] }), 132000, 'template order_shipped (en_US), body: expected 3 parameter(s) {{1}}, {{2}}, {{3}}, got 2'],
    ['named values for a positional template', shipped({ body: { name: 'Ada' } }), 132012, 'template order_shipped (en_US), body: expected 3 positional parameter(s) {{1}}, {{2}}, {{3}} (the template uses numbers: pass an array), got named parameters'],
    ['positional values for a named template', template('welcome', 'en', { header: { type: 'text', text: 'Ada', parameter_name: 'first_name' }, body: ['Ada', 'A1'] }), 132012, 'template welcome (en), body: expected named parameters {{first_name}}, {{code}} (the template uses named parameters: pass { name: value }), got 2 positional'],
    ['a wrong parameter name', template('welcome', 'en', { header: { type: 'text', text: 'Ada', parameter_name: 'first_name' }, body: { first_name: 'Ada', coupon: 'A1' } }), 132000, 'template welcome (en), body: expected named parameters {{first_name}}, {{code}}, got {{first_name}}, {{coupon}}'],
    ['the media header left out', shipped({ header: undefined }), 132000, 'template order_shipped (en_US), header: expected one image parameter, got none'],
    ['a video where the header is an image', shipped({ header: mediaParam('video', { link: 'https://example.com/v.mp4' }) }), 132012, 'template order_shipped (en_US), header: expected one image parameter, got video'],
    ['a header parameter for a template without a header', template('order_shipped', 'de', { header: 'Hi', body: ['Ada', '#1', 'Montag'] }), 132000, 'template order_shipped (de), header: expected no header (the template has none), got text'],
    ['the URL suffix left out', shipped({ buttons: [{ index: 2, type: 'copy_code', value: 'SAVE10' }] }), 132000, 'template order_shipped (en_US), button 1: expected a url parameter (suffix for https://shop.example.com/orders/{{1}}), got none'],
    ['a URL suffix with spaces', shipped({ buttons: [{ index: 1, type: 'url', value: '10 42' }, { index: 2, type: 'copy_code', value: 'SAVE10' }] }), 132018, 'template order_shipped (en_US), button 1: expected a suffix without spaces, got "10 42"'],
    ['a copy code on the URL button', shipped({ buttons: [{ index: 1, type: 'copy_code', value: 'X' }, { index: 2, type: 'copy_code', value: 'SAVE10' }] }), 132012, 'template order_shipped (en_US), button 1: expected sub_type url (a url button), got sub_type copy_code'],
    ['a button index the template lacks', shipped({ buttons: [{ index: 1, type: 'url', value: '1042' }, { index: 2, type: 'copy_code', value: 'SAVE10' }, { index: 5, type: 'quick_reply', value: 'x' }] }), 132000, 'template order_shipped (en_US), button 5: expected a button at index 5 (the template has 3), got quick_reply'],
    ['a parameter for a phone-number button', template('book_delivery', 'en', { buttons: [{ index: 1, type: 'url', value: 'x' }] }), 132000, 'template book_delivery (en), button 1: expected no parameter (a phone_number button), got url parameter'],
    ['a body value with a new line', shipped({ body: ['Ada\nLovelace', '#1042', 'Monday'] }), 132018, 'template order_shipped (en_US), body: expected text without new lines, tabs or more than 4 consecutive spaces, got "Ada\\nLovelace"'],
  ])('refuses %s, naming template, language, component and what was expected', (_what, message, code, description) => {
    const found = checkTemplateSend(TEMPLATES, message);
    expect(found.map(describeProblem)).toEqual([description]);
    expect(found[0]?.code).toBe(code);
  });
});
