import { describe, expect, it } from 'vitest';
import {
  buttons,
  contacts,
  ctaUrl,
  document,
  flowInvitation,
  image,
  list,
  location,
  locationRequest,
  MessageLimitError,
  reaction,
  text,
} from '../../src/messages/builders.ts';
import type { ListSection } from '../../src/messages/outbound.ts';
import { currency, dateTime, template } from '../../src/messages/template-builders.ts';
import { catalogMessage, product, productList } from '../../src/messages/commerce-builders.ts';
import { orderDetails, orderStatus } from '../../src/messages/order-builders.ts';

const x = (n: number) => 'x'.repeat(n);
const rows = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${prefix}${i}` }));
const skus = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const twoButtons = [
  { id: 'a', title: 'A' },
  { id: 'b', title: 'B' },
];

interface LimitCase {
  what: string;
  build: () => unknown;
  field: string;
  limit: RegExp;
  value: unknown;
}

/** WhatsApp's limits, each caught while building, with the field, the limit and the value named. */
const CASES: LimitCase[] = [
  { what: 'text over 4096', build: () => text(x(4097)), field: 'text.body', limit: /1-4096 characters/, value: x(4097) },
  { what: 'empty text', build: () => text(''), field: 'text.body', limit: /1-4096 characters/, value: '' },
  { what: 'four buttons', build: () => buttons('Pick', rows(4)), field: 'buttons', limit: /1-3 buttons/, value: 4 },
  { what: 'no buttons', build: () => buttons('Pick', []), field: 'buttons', limit: /1-3 buttons/, value: 0 },
  { what: 'button title over 20', build: () => buttons('Pick', [{ id: 'a', title: x(21) }]), field: 'buttons[0].title', limit: /1-20 characters/, value: x(21) },
  { what: 'duplicate button ids', build: () => buttons('Pick', [{ id: 'a', title: 'A' }, { id: 'a', title: 'B' }]), field: 'buttons[1].id', limit: /unique/, value: 'a' },
  { what: 'duplicate button titles', build: () => buttons('Pick', [{ id: 'a', title: 'Same' }, { id: 'b', title: 'Same' }]), field: 'buttons[1].title', limit: /unique/, value: 'Same' },
  { what: 'button id with spaces around', build: () => buttons('Pick', [{ id: ' a', title: 'A' }]), field: 'buttons[0].id', limit: /spaces/, value: ' a' },
  { what: 'buttons body over 1024', build: () => buttons(x(1025), twoButtons), field: 'body', limit: /1-1024 characters/, value: x(1025) },
  { what: 'header over 60', build: () => buttons('Pick', twoButtons, { header: x(61) }), field: 'header', limit: /1-60 characters/, value: x(61) },
  { what: 'footer over 60', build: () => buttons('Pick', twoButtons, { footer: x(61) }), field: 'footer', limit: /1-60 characters/, value: x(61) },
  {
    what: 'eleven rows across sections',
    build: () => list('Pick', 'Open', [{ title: 'A', rows: rows(6, 'a') }, { title: 'B', rows: rows(5, 'b') }]),
    field: 'rows',
    limit: /1-10 rows in total/,
    value: 11,
  },
  { what: 'no sections', build: () => list('Pick', 'Open', []), field: 'sections', limit: /1-10 sections/, value: 0 },
  {
    what: 'several sections without titles',
    build: () => list('Pick', 'Open', [{ rows: rows(1, 'a') }, { title: 'B', rows: rows(1, 'b') }] as ListSection[]),
    field: 'sections[0].title',
    limit: /required when there is more than one section/,
    value: undefined,
  },
  { what: 'section title over 24', build: () => list('Pick', 'Open', [{ title: x(25), rows: rows(1) }]), field: 'sections[0].title', limit: /1-24 characters/, value: x(25) },
  { what: 'row title over 24', build: () => list('Pick', 'Open', [{ rows: [{ id: 'a', title: x(25) }] }]), field: 'sections[0].rows[0].title', limit: /1-24 characters/, value: x(25) },
  {
    what: 'row description over 72',
    build: () => list('Pick', 'Open', [{ rows: [{ id: 'a', title: 'A', description: x(73) }] }]),
    field: 'sections[0].rows[0].description',
    limit: /at most 72 characters/,
    value: x(73),
  },
  { what: 'row id over 200', build: () => list('Pick', 'Open', [{ rows: [{ id: x(201), title: 'A' }] }]), field: 'sections[0].rows[0].id', limit: /1-200 characters/, value: x(201) },
  {
    what: 'duplicate row ids across sections',
    build: () => list('Pick', 'Open', [{ title: 'A', rows: [{ id: 'same', title: 'One' }] }, { title: 'B', rows: [{ id: 'same', title: 'Two' }] }]),
    field: 'sections[1].rows[0].id',
    limit: /unique/,
    value: 'same',
  },
  { what: 'list button label over 20', build: () => list('Pick', x(21), [{ rows: rows(1) }]), field: 'button', limit: /1-20 characters/, value: x(21) },
  { what: 'list body over 1024 (spec BodyObject)', build: () => list(x(1025), 'Open', [{ rows: rows(1) }]), field: 'body', limit: /1-1024 characters/, value: x(1025) },
  { what: 'list with an image header', build: () => list('Pick', 'Open', [{ rows: rows(1) }], { header: { image: 'https://example.com/a.jpg' } } as never), field: 'header', limit: /only a text header/, value: { image: 'https://example.com/a.jpg' } },
  { what: 'flow_cta over 30 (spec flow_cta)', build: () => flowInvitation({ body: 'Go', cta: x(31), flowId: '1' }), field: 'cta', limit: /1-30 characters/, value: x(31) },
  { what: 'flow data without a screen', build: () => flowInvitation({ body: 'Go', cta: 'Open', flowId: '1', data: { a: 1 } }), field: 'data', limit: /needs a screen/, value: { a: 1 } },
  { what: 'flow with empty first-screen data', build: () => flowInvitation({ body: 'Go', cta: 'Open', flowId: '1', screen: 'A', data: {} }), field: 'data', limit: /non-empty object/, value: {} },
  { what: 'button header media neither URL nor id', build: () => buttons('Pick', twoButtons, { header: { video: 'clip.mp4' } }), field: 'header.video', limit: /http\(s\) URL or \{ id \}/, value: 'clip.mp4' },
  { what: 'six contact cards (spec maxItems 5)', build: () => contacts(Array.from({ length: 6 }, () => ({ name: { formatted_name: 'A' } }))), field: 'contacts', limit: /1-5 contacts/, value: 6 },
  { what: 'product without a retailer id', build: () => product('cat', ' '), field: 'productRetailerId', limit: /must not be empty/, value: ' ' },
  { what: 'product body over 1024', build: () => product('cat', 'sku', { body: x(1025) }), field: 'body', limit: /1-1024 characters/, value: x(1025) },
  {
    what: '31 products in a product list',
    build: () => productList('cat', { header: 'Shop', body: 'Pick', sections: [{ title: 'A', products: skus(16, 'a') }, { title: 'B', products: skus(15, 'b') }] }),
    field: 'products',
    limit: /1-30 products in total/,
    value: 31,
  },
  { what: 'product list section title over 24', build: () => productList('cat', { header: 'Shop', body: 'Pick', sections: [{ title: x(25), products: ['a'] }] }), field: 'sections[0].title', limit: /1-24 characters/, value: x(25) },
  { what: 'product list without a header', build: () => productList('cat', { header: '', body: 'Pick', sections: [{ title: 'A', products: ['a'] }] }), field: 'header', limit: /1-60 characters/, value: '' },
  { what: 'product list with a product twice', build: () => productList('cat', { header: 'Shop', body: 'Pick', sections: [{ title: 'A', products: ['a'] }, { title: 'B', products: ['a'] }] }), field: 'sections[1].products[0]', limit: /unique/, value: 'a' },
  { what: 'product list with eleven sections', build: () => productList('cat', { header: 'Shop', body: 'Pick', sections: Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, products: [`p${i}`] })) }), field: 'sections', limit: /1-10 sections/, value: 11 },
  { what: 'catalog message body over 1024', build: () => catalogMessage(x(1025), 'sku'), field: 'body', limit: /1-1024 characters/, value: x(1025) },
  { what: 'order reference id with spaces', build: () => orderStatus('order 1', 'shipped', 'On its way'), field: 'referenceId', limit: /1-35 letters/, value: 'order 1' },
  { what: 'order status description over 120', build: () => orderStatus('o1', 'shipped', 'On its way', { description: x(121) }), field: 'description', limit: /1-120 characters/, value: x(121) },
  {
    what: 'order line with a fractional quantity',
    build: () => orderDetails({ referenceId: 'o1', body: 'Order', type: 'digital-goods', currency: 'INR', paymentConfiguration: 'c', items: [{ retailerId: 'a', name: 'A', price: 1, quantity: 1.5 }], tax: 0 }),
    field: 'items[0].quantity',
    limit: /whole number/,
    value: 1.5,
  },
  {
    what: 'order discount larger than the order',
    build: () => orderDetails({ referenceId: 'o1', body: 'Order', type: 'digital-goods', currency: 'INR', paymentConfiguration: 'c', items: [{ retailerId: 'a', name: 'A', price: 1, quantity: 1 }], tax: 0, discount: 2 }),
    field: 'discount',
    limit: /must not exceed/,
    value: 2,
  },
  { what: 'flow_cta with emoji', build: () => flowInvitation({ body: 'Go', cta: 'Open 📝', flowId: '1' }), field: 'cta', limit: /emoji/, value: 'Open 📝' },
  { what: 'flow without id or name', build: () => flowInvitation({ body: 'Go', cta: 'Open' }), field: 'flowId', limit: /flowId or flowName is required/, value: undefined },
  { what: 'flow with id and name', build: () => flowInvitation({ body: 'Go', cta: 'Open', flowId: '1', flowName: 'ticket' }), field: 'flowName', limit: /not both/, value: 'ticket' },
  { what: 'flow body over 1024', build: () => flowInvitation({ body: x(1025), cta: 'Open', flowId: '1' }), field: 'body', limit: /1-1024 characters/, value: x(1025) },
  { what: 'CTA display text over 20', build: () => ctaUrl('See', x(21), 'https://example.com'), field: 'display_text', limit: /1-20 characters/, value: x(21) },
  { what: 'CTA URL not http(s)', build: () => ctaUrl('See', 'Open', 'ftp://example.com'), field: 'url', limit: /http\(s\) URL/, value: 'ftp://example.com' },
  { what: 'location request body over 1024', build: () => locationRequest(x(1025)), field: 'body', limit: /1-1024 characters/, value: x(1025) },
  { what: 'caption over 1024', build: () => image('https://example.com/a.jpg', { caption: x(1025) }), field: 'caption', limit: /1-1024 characters/, value: x(1025) },
  { what: 'media neither URL nor id', build: () => document('invoice.pdf'), field: 'document', limit: /http\(s\) URL or \{ id \}/, value: 'invoice.pdf' },
  { what: 'latitude out of range', build: () => location(91, 0), field: 'latitude', limit: /between -90 and 90/, value: 91 },
  { what: 'longitude out of range', build: () => location(0, -181), field: 'longitude', limit: /between -180 and 180/, value: -181 },
  { what: 'no contact cards', build: () => contacts([]), field: 'contacts', limit: /1-5 contacts/, value: 0 },
  { what: 'contact without a name', build: () => contacts([{ name: { formatted_name: '' } }]), field: 'contacts[0].name.formatted_name', limit: /1-1000 characters/, value: '' },
  { what: 'reaction with two emoji', build: () => reaction('wamid.1', '👍👍'), field: 'reaction.emoji', limit: /exactly one emoji/, value: '👍👍' },
  { what: 'tracking over 512', build: () => text('hi', { tracking: x(513) }), field: 'tracking', limit: /1-512 characters/, value: x(513) },
  { what: 'template name with capitals', build: () => template('Order_Shipped', 'en'), field: 'template.name', limit: /lowercase/, value: 'Order_Shipped' },
  { what: 'template language code', build: () => template('order', 'english'), field: 'template.language', limit: /en_US/, value: 'english' },
  { what: 'template header over 60', build: () => template('order', 'en', { header: x(61) }), field: 'header', limit: /at most 60 characters/, value: x(61) },
  { what: 'template empty body value', build: () => template('order', 'en', { body: ['Ada', ''] }), field: 'body[1]', limit: /must not be empty/, value: '' },
  { what: 'template body value over 1024', build: () => template('order', 'en', { body: [x(1025)] }), field: 'body[0]', limit: /at most 1024 characters/, value: x(1025) },
  {
    what: 'template duplicate button index',
    build: () => template('order', 'en', { buttons: [{ index: 0, type: 'quick_reply', value: 'a' }, { index: 0, type: 'url', value: 'b' }] }),
    field: 'buttons[1].index',
    limit: /unique/,
    value: 0,
  },
  {
    what: 'template copy code over 15',
    build: () => template('order', 'en', { buttons: [{ index: 0, type: 'copy_code', value: x(16) }] }),
    field: 'buttons[0].value',
    limit: /1-15 characters/,
    value: x(16),
  },
  { what: 'template tracking over 512', build: () => template('order', 'en', { tracking: x(513) }), field: 'tracking', limit: /1-512 characters/, value: x(513) },
  { what: 'currency code', build: () => currency(5, 'euro', '5 €'), field: 'currency.code', limit: /ISO 4217/, value: 'euro' },
  { what: 'date-time without fallback', build: () => dateTime(''), field: 'date_time.fallback_value', limit: /must not be empty/, value: '' },
];

describe('builder limits', () => {
  it.each(CASES)('$what → error naming $field', ({ build, field, limit, value }) => {
    let caught: unknown;
    try {
      build();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MessageLimitError);
    const error = caught as MessageLimitError;
    expect(error.field).toBe(field);
    expect(error.limit).toMatch(limit);
    expect(error.value).toEqual(value);
    // The message alone is enough to find the mistake: field, limit and value.
    expect(error.message.startsWith(`${field}: `)).toBe(true);
    expect(error.message).toMatch(limit);
    if (value !== undefined) expect(error.message).toContain(JSON.stringify(value));
  });

  it('counts characters, not UTF-16 units: 20 emoji fit a button title', () => {
    const title = '😀'.repeat(20);
    const message = buttons('Pick', [{ id: 'a', title }]);
    expect(message).toMatchObject({ interactive: { action: { buttons: [{ reply: { title } }] } } });
  });

  it('the limits themselves are allowed (3 buttons, 10 rows, 4096 text, 60 header)', () => {
    expect(() => buttons('Pick', rows(3).map((r) => ({ id: r.id, title: r.title })))).not.toThrow();
    expect(() => list('Pick', 'Open', [{ title: 'A', rows: rows(5, 'a') }, { title: 'B', rows: rows(5, 'b') }])).not.toThrow();
    expect(() => text(x(4096))).not.toThrow();
    expect(() => buttons('Pick', twoButtons, { header: x(60), footer: x(60) })).not.toThrow();
    expect(() => flowInvitation({ body: 'Go', cta: x(30), flowName: 'ticket' })).not.toThrow();
    expect(() => list(x(1024), 'Open', [{ rows: rows(1) }])).not.toThrow();
    expect(() => productList('cat', { header: 'Shop', body: 'Pick', sections: [{ title: 'A', products: skus(15, 'a') }, { title: 'B', products: skus(15, 'b') }] })).not.toThrow();
    expect(() => contacts(Array.from({ length: 5 }, () => ({ name: { formatted_name: 'A' } })))).not.toThrow();
  });

  it('computes the order subtotal and total from the lines, so they add up as WhatsApp requires', () => {
    const message = orderDetails({
      referenceId: 'o1',
      body: 'Order',
      type: 'physical-goods',
      currency: 'INR',
      paymentConfiguration: 'c',
      items: [
        { retailerId: 'a', name: 'A', price: 10, quantity: 3 },
        { retailerId: 'b', name: 'B', price: 20, salePrice: 12.5, quantity: 2 },
      ],
      tax: 4,
      shipping: 5,
      discount: 1.25,
    });
    const parameters = message.type === 'interactive' && message.interactive.type === 'order_details' ? message.interactive.action.parameters : undefined;
    // 3 × 10 + 2 × 12.50 (the sale price) = 55; 55 + 4 + 5 − 1.25 = 62.75.
    expect(parameters?.order.subtotal).toEqual({ value: 5500, offset: 100 });
    expect(parameters?.total_amount).toEqual({ value: 6275, offset: 100 });
  });
});
