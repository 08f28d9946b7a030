import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactStateView, SaveResult, StudioView } from '../../src/studio/view-types.ts';
import { HELPDESK_NUMBER } from './fixtures/helpdesk-flow.ts';
import { createProject, removeProject, startStudio, type StudioProcess } from './helpers/studio-project.ts';

/**
 * The studio's HTTP API, as its page uses it, against `chartbot dev` running on a project: the
 * details the browser tests do not look at.
 */
let project: string | undefined;
let studio: StudioProcess | undefined;
const TESTER = '106540352242922:4915550000';

async function call<T = StudioView>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; data: T & { error?: string } }> {
  const response = await fetch(new URL(path, studio?.url), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, data: (await response.json()) as T & { error?: string } };
}
const act = (request: unknown, contact = TESTER) => call(`/api/contacts/${encodeURIComponent(contact)}/actions`, request);
const say = (text: string, contact = TESTER) => act({ kind: 'action', verb: 'text', argument: text }, contact);
const contactIn = (view: StudioView, key = TESTER) => view.contacts.find((c) => c.key === key) as ContactStateView;
const chatTexts = (contact: ContactStateView) =>
  contact.chat.map((item) => (item.kind === 'bot' ? JSON.stringify(item.message) : item.text)).join('\n');

beforeAll(async () => {
  project = await createProject({ 'shop.ts': 'shop-flow.ts', 'helpdesk.ts': 'helpdesk-flow.ts' });
  studio = await startStudio(project);
}, 30_000);

afterAll(async () => {
  await studio?.stop();
  await removeProject(project);
});

describe('chartbot dev: the page and its safety', () => {
  it('serves the page, its script and styles from 127.0.0.1 only, with nothing loaded from elsewhere', async () => {
    expect(studio?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(studio?.url ?? '');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/assets/studio.js">');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const script = await fetch(new URL('/assets/studio.js', studio?.url));
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await script.text()).length).toBeGreaterThan(10_000); // the page and preact, bundled
    const styles = await (await fetch(new URL('/assets/studio.css', studio?.url))).text();
    expect(styles).not.toMatch(/url\(|@import/);
  });

  it('refuses requests for another host name and posts that are not JSON', async () => {
    // fetch() does not let a page set Host; a DNS-rebound name arrives just like this.
    const url = new URL('/api/view', studio?.url);
    const foreign = await new Promise<number | undefined>((resolve, reject) => {
      request({ host: url.hostname, port: url.port, path: url.pathname, headers: { Host: `attacker.example:${url.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
    expect(foreign).toBe(421);
    const form = await fetch(new URL('/api/contacts', studio?.url), { method: 'POST', body: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
  });
});

describe('chartbot dev: conversations over the API', () => {
  it('answers a mistake with 400 and its reason, and records nothing', async () => {
    const before = (await call('/api/view')).data;
    const tap = await act({ kind: 'action', verb: 'tap', argument: 'Browse' });
    expect(tap.status).toBe(400);
    expect(tap.data.error).toContain('cannot tap "Browse": the bot has not sent any interactive message');
    const verb = await act({ kind: 'action', verb: 'dance', argument: '' });
    expect(verb.status).toBe(400);
    expect(verb.data.error).toMatch(/^unknown action "dance": use one of text, tap, pick/);
    const after = (await call('/api/view')).data;
    expect(after.log).toEqual(before.log);
    expect(contactIn(after).chat).toEqual([]);
  });

  it('shows a flow that throws in the chat and the log; the conversation keeps its state', async () => {
    await say('hi');
    const { data } = await say('boom');
    const contact = contactIn(data);
    expect(contact.state).toBe('menu');
    const notice = contact.chat.at(-1);
    expect(notice).toMatchObject({ kind: 'notice', level: 'error' });
    expect(notice?.kind === 'notice' && notice.text).toBe('flow threw: contact keeps its last good state: boom in the flow');
    expect(data.log.at(-1)).toMatchObject({ title: 'user.text "boom"', before: 'menu', error: 'boom in the flow', transitions: [] });
  });

  it('lists pending timers by their transitions, and rewinds into the middle of a time jump', async () => {
    const { data: waiting } = await call('/api/view');
    expect(waiting.clock.timers).toEqual([{ contact: TESTER, contactName: 'Tester', label: 'after idle (10m)', state: 'menu', fireAt: waiting.clock.now + 600_000 }]);
    const { data: later } = await call('/api/clock', { advance: 60 * 60_000 });
    const fired = later.log.find((e) => e.title === 'after idle (10m)');
    expect(fired).toMatchObject({ before: 'menu', after: 'nudge', at: waiting.clock.now + 600_000 });
    expect(later.clock.now).toBe(waiting.clock.now + 3_600_000);

    const { data: rewound } = await call('/api/rewind', { entry: fired?.id });
    expect(rewound.clock.now).toBe(waiting.clock.now + 600_000); // the hour's jump stops at the timer
    expect(contactIn(rewound).state).toBe('nudge');
    expect(rewound.log.at(-1)).toMatchObject({ title: 'after idle (10m)', after: 'nudge' });
    expect(rewound.notices.at(-1)?.text).toMatch(/^Rewound to #\d+/);
  });

  it('reports delivery statuses, and a failed one reaches the flow as bot.failed', async () => {
    const { data } = await say('hello');
    const last = contactIn(data).chat.filter((i) => i.kind === 'bot').at(-1);
    const index = last?.kind === 'bot' ? last.index : -1;
    const read = await act({ kind: 'status', target: index, status: 'read' });
    expect(contactIn(read.data).chat.find((i) => i.kind === 'bot' && i.index === index)).toMatchObject({ status: 'read' });
    expect(read.data.log.at(-1)).toMatchObject({ title: `status read of bot message ${index + 1}` });
    // Read is final; the message before it can still fail.
    const failed = await act({ kind: 'status', target: index - 1, status: 'failed' });
    expect(failed.data.log.at(-1)).toMatchObject({ title: 'bot.failed #131026 Message undeliverable', event: 'bot.failed' });
  });

  it('delivers proactive events and refuses reserved event types', async () => {
    const reserved = await act({ kind: 'event', event: { type: 'user.text' } });
    expect(reserved.status).toBe(400);
    expect(reserved.data.error).toContain('proactive event type user.text is reserved');
    const { data } = await act({ kind: 'event', event: { type: 'api.ping', id: 7 } });
    expect(data.log.at(-1)).toMatchObject({ title: 'api.ping', event: 'api.ping' });
  });

  it('saves a conversation with a flow routed by number, leaving out what transcripts cannot say', async () => {
    const add = await call('/api/contacts', { name: 'Ben', waId: '4915550001', businessNumberId: HELPDESK_NUMBER });
    expect(add.status).toBe(200);
    const ben = `${HELPDESK_NUMBER}:4915550001`;
    await act({ kind: 'action', verb: 'welcome', argument: '' }, ben);
    const { data } = await say('where is my order?', ben);
    expect(chatTexts(contactIn(data, ben))).toContain('Helpdesk here, you wrote: where is my order?');
    const first = contactIn(data, ben).chat.find((i) => i.kind === 'bot');
    await act({ kind: 'status', target: first?.kind === 'bot' ? first.index : 0, status: 'delivered' }, ben);

    const saved = await call<SaveResult>(`/api/contacts/${encodeURIComponent(ben)}/transcript`, {});
    expect(saved.data).toMatchObject({ file: 'test/transcripts/helpdesk-ben.transcript', passed: true, diff: '' });
    expect(saved.data.skipped).toEqual(['status delivered of bot message 1 (transcripts have no status lines)']);
    const transcript = await readFile(join(project as string, saved.data.file), 'utf8');
    expect(transcript).toContain(`flow: ../../flows/helpdesk.ts\nname: Ben\nphone: 4915550001\nnumber: ${HELPDESK_NUMBER}\n`);
    expect(transcript).toContain('user opens chat:\nbot: Welcome to the helpdesk!\n');
    // The studio's clock moved before Ben wrote: an hour, rewound to the 10 minutes of Tester's timer.
    expect(transcript).toContain('number: 15550002222\n\nwait: 10m\nuser opens chat:\n');
  });

  it('refuses a contact that does not fit', async () => {
    expect((await call('/api/contacts', { name: 'X', waId: 'abc' })).data.error).toContain('"abc" is not a WhatsApp id');
    expect((await call('/api/contacts', { name: 'X', waId: '4915550003', businessNumberId: '999' })).data.error).toBe('no flow serves business number 999');
    expect((await call('/api/contacts', { name: 'Ben again', waId: '4915550001', businessNumberId: HELPDESK_NUMBER })).status).toBe(400);
  });
});
