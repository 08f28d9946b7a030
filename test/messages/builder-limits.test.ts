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

const x = (n: number) => 'x'.repeat(n);
const rows = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${prefix}${i}` }));
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
  { what: 'list body over 4096', build: () => list(x(4097), 'Open', [{ rows: rows(1) }]), field: 'body', limit: /1-4096 characters/, value: x(4097) },
  { what: 'flow_cta over 20', build: () => flowInvitation({ body: 'Go', cta: x(21), flowId: '1' }), field: 'cta', limit: /1-20 characters/, value: x(21) },
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
  { what: 'no contact cards', build: () => contacts([]), field: 'contacts', limit: /at least 1 contact/, value: 0 },
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
    limit: /at most 15 characters/,
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
    expect(() => flowInvitation({ body: 'Go', cta: x(20), flowName: 'ticket' })).not.toThrow();
  });
});
