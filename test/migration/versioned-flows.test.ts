import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, TEST_DELIVERY } from 'chartbot/testing';
import { loadFlowFile } from '../../src/conversation/load-flows.ts';
import type { Flow } from '../../src/conversation/define-flow.ts';
import type { ContactRecord } from '../../src/store/contact-record.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import type { MockProvider } from '../helpers/mock-provider.ts';
import { capturedLogger } from '../helpers/captured-logs.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { runCli } from '../cli/run-cli.ts';

const flowAt = (variant: string): Promise<Flow> => loadFlowFile(`test/migration/fixtures/${variant}/shop.ts`);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A bot on a real HTTP port and a real lowdb data folder, on a fake clock. */
async function start(variant: string, reuse: { mock?: MockProvider; dataDir?: string; clock?: FakeClock } = {}, logger = capturedLogger()) {
  const clock = reuse.clock ?? new FakeClock();
  const t: BotUnderTest = await startBotUnderTest({ flows: [await flowAt(variant)], clock, delivery: TEST_DELIVERY, logger: logger.logger }, reuse);
  cleanups.push(() => t.stop());
  return { t, clock, logs: logger };
}

/** Posts one text per contact, 100 per webhook, and waits until all are handled. */
async function say(t: BotUnderTest, texts: Record<string, string>): Promise<void> {
  const messages = Object.entries(texts).map(([waId, body]) => textMessage(waId, body));
  for (let i = 0; i < messages.length; i += 100) {
    const response = await postWebhook(t.url, envelope({ messages: messages.slice(i, i + 100) }));
    expect(response.status).toBe(200);
  }
  await t.bot.runtime.idle();
}

/** The text replies each contact got since `from` (index into the mock's sends). */
function repliesSince(mock: MockProvider, from: number): Map<string, string[]> {
  const byContact = new Map<string, string[]>();
  for (const send of mock.sends().slice(from)) {
    const to = String(send.body.to);
    byContact.set(to, [...(byContact.get(to) ?? []), (send.body.text as { body: string }).body]);
  }
  return byContact;
}

const record = async (t: BotUnderTest, waId: string): Promise<ContactRecord | undefined> =>
  (await t.bot.runtime.inspect(BUSINESS.phoneNumberId, waId))?.record;

const migrate = (args: string[], dataDir: string, variant: string) =>
  runCli(['migrate', ...args], '', 30_000, { CHARTBOT_DATA_DIR: dataDir, FLOWS_DIR: `test/migration/fixtures/${variant}` });

describe('versioned flows', () => {
  it('a renamed state keeps 1,000 stored conversations and their context across a restart', async () => {
    const contacts = Array.from({ length: 1000 }, (_, i) => String(4_917_000_000 + i));
    const v1 = await start('v1');
    cleanups.push(() => v1.t.cleanup());
    await say(v1.t, Object.fromEntries(contacts.map((waId) => [waId, `note ${waId}`])));
    expect(v1.t.mock.sends()).toHaveLength(1000);
    expect(await record(v1.t, contacts[0]!)).toMatchObject({ flowVersion: 1, snapshot: { value: 'menu' } });
    await v1.t.stop();

    // Before the deploy: every conversation would migrate, none restart (exit 0).
    const check = await migrate(['--check'], v1.t.dataDir, 'v2-renamed');
    expect(check.stdout).toMatch(/^shop +1 → 2 +menu +1,000 +migrate$/m);
    expect(check.stdout).toContain('1,000 migrate, 0 fit, 0 restart');
    expect(check.code).toBe(0);

    const v2 = await start('v2-renamed', { mock: v1.t.mock, dataDir: v1.t.dataDir, clock: v1.clock });
    const before = v1.t.mock.sends().length;
    await say(v2.t, Object.fromEntries(contacts.map((waId) => [waId, 'hello again'])));
    const replies = repliesSince(v1.t.mock, before);
    expect(replies.size).toBe(1000);
    for (const waId of contacts) expect(replies.get(waId)).toEqual([`home again: note ${waId} (basic)`]);
    expect(v2.t.bot.runtime.migrations.counts).toEqual({ migrated: 1000, restarted: 0, byFlow: { shop: { migrated: 1000, restarted: 0 } } });
    const migrated = await record(v2.t, contacts[999]!);
    expect(migrated).toMatchObject({ flowVersion: 2, snapshot: { value: 'home', context: { note: `note ${contacts[999]}`, visits: 1, tier: 'basic' } } });
  });

  it('a removed state restarts its conversations, and migrate --check counted them beforehand', async () => {
    const v1 = await start('v1');
    cleanups.push(() => v1.t.cleanup());
    const inMenu = Array.from({ length: 20 }, (_, i) => String(4_918_000_000 + i));
    const inSurvey = Array.from({ length: 10 }, (_, i) => String(4_918_100_000 + i));
    await say(v1.t, { ...Object.fromEntries(inMenu.map((waId) => [waId, `note ${waId}`])), ...Object.fromEntries(inSurvey.map((waId) => [waId, 'survey'])) });
    await v1.t.stop();

    const check = await migrate(['--check'], v1.t.dataDir, 'v2-removed');
    const lines = check.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^shop +1 → 2 +menu +20 +fit$/));
    expect(lines).toContainEqual(expect.stringMatching(/^shop +1 → 2 +survey +10 +restart +state survey does not fit the flow: /));
    expect(check.stdout).toContain('0 migrate, 20 fit, 10 restart');
    expect(check.stdout).toContain('✖ 10 conversations would restart');
    expect(check.code).toBe(1);
    const accepted = await migrate(['--check', '--allow-restarts', '--format', 'json'], v1.t.dataDir, 'v2-removed');
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.stdout)).toMatchObject({ mode: 'check', totals: { migrate: 0, fit: 20, restart: 10 }, applied: 0 });

    const v2 = await start('v2-removed', { mock: v1.t.mock, dataDir: v1.t.dataDir, clock: v1.clock });
    const before = v1.t.mock.sends().length;
    await say(v2.t, Object.fromEntries([...inMenu, ...inSurvey].map((waId) => [waId, 'back'])));
    const replies = repliesSince(v1.t.mock, before);
    for (const waId of inMenu) expect(replies.get(waId)).toEqual([`menu again: note ${waId}`]);
    // Restarted: the message starts the conversation over.
    for (const waId of inSurvey) expect(replies.get(waId)).toEqual(['menu: back']);
    expect(v2.t.bot.runtime.migrations.counts).toMatchObject({ migrated: 0, restarted: 10 });
    const restartLogs = v2.logs.lines.filter((line) => line.includes('starting it over'));
    expect(restartLogs).toHaveLength(10);
    expect(restartLogs.every((line) => JSON.parse(line).level === 50)).toBe(true);
  });

  it('a migration that throws restarts only its own conversation, logged with the reason', async () => {
    const v1 = await start('v1');
    cleanups.push(() => v1.t.cleanup());
    await say(v1.t, { '4919000001': 'fine one', '4919000002': 'explode', '4919000003': 'fine two' });
    await v1.t.stop();

    const v2 = await start('v2-throws', { mock: v1.t.mock, dataDir: v1.t.dataDir, clock: v1.clock });
    const before = v1.t.mock.sends().length;
    await say(v2.t, { '4919000001': 'hi', '4919000002': 'hi', '4919000003': 'hi' });
    const replies = repliesSince(v1.t.mock, before);
    expect(Object.fromEntries(replies)).toEqual({
      '4919000001': ['home again: fine one'],
      '4919000002': ['home: hi'],
      '4919000003': ['home again: fine two'],
    });
    expect(v2.t.bot.runtime.migrations.counts).toMatchObject({ migrated: 2, restarted: 1 });
    const failure = v2.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'saved conversation does not fit the new flow version: starting it over');
    expect(failure).toMatchObject({ level: 50, flow: 'shop', from: 1, to: 2, state: 'menu', reason: 'migrate[1] (version 1 → 2) threw: cannot migrate this one' });
  });

  it('timers of migrated conversations still fire, in the state they moved to', async () => {
    const v1 = await start('v1');
    cleanups.push(() => v1.t.cleanup());
    await say(v1.t, { '4919100001': 'waiting one', '4919100002': 'waiting two' });
    expect((await record(v1.t, '4919100001'))?.timers.map((t) => t.id)).toEqual(['xstate.after.idle.shop.menu']);
    await v1.clock.advance('4m', () => v1.t.bot.runtime.idle());
    await v1.t.stop();

    // The new version starts with the timers pending; nothing but time happens to these contacts.
    const v2 = await start('v2-renamed', { mock: v1.t.mock, dataDir: v1.t.dataDir, clock: v1.clock });
    const before = v1.t.mock.sends().length;
    await v1.clock.advance('5m', () => v2.t.bot.runtime.idle());
    expect(v1.t.mock.sends().length).toBe(before); // not yet: 9 of 10 minutes
    await v1.clock.advance('2m', () => v2.t.bot.runtime.idle());
    expect(Object.fromEntries(repliesSince(v1.t.mock, before))).toEqual({
      '4919100001': ['reminder: waiting one (basic)'],
      '4919100002': ['reminder: waiting two (basic)'],
    });
    expect(await record(v2.t, '4919100001')).toMatchObject({ flowVersion: 2, timers: [], snapshot: { value: 'reminder' } });
    expect(v2.t.bot.runtime.migrations.counts.migrated).toBe(2);
  });

  it('migrate --apply saves the migrated conversations (timers included) and leaves restarts for later', async () => {
    const v1 = await start('v1');
    cleanups.push(() => v1.t.cleanup());
    await say(v1.t, { '4919200001': 'kept', '4919200002': 'explode' });
    await v1.t.stop();

    const applied = await migrate(['--apply'], v1.t.dataDir, 'v2-throws');
    expect(applied.stdout).toMatch(/^shop +1 → 2 +menu +1 +migrate$/m);
    expect(applied.stdout).toMatch(/^shop +1 → 2 +menu +1 +restart +migrate\[1\] \(version 1 → 2\) threw: cannot migrate this one$/m);
    expect(applied.stdout).toContain('applied: 1 saved with the current flow version; 1 left as they are, to restart at their next message');
    expect(applied.code).toBe(1); // a restart, and no --allow-restarts
    const again = await migrate(['--check', '--allow-restarts'], v1.t.dataDir, 'v2-throws');
    expect(again.stdout).toMatch(/^shop +2 +home +1 +fit$/m);
    expect(again.stdout).toMatch(/^shop +1 → 2 +menu +1 +restart/m);
    expect(again.code).toBe(0);

    const v2 = await start('v2-throws', { mock: v1.t.mock, dataDir: v1.t.dataDir, clock: v1.clock });
    expect(await record(v2.t, '4919200001')).toMatchObject({ flowVersion: 2, snapshot: { value: 'home', context: { note: 'kept' } }, timers: [{ id: 'xstate.after.idle.shop.home' }] });
    const before = v1.t.mock.sends().length;
    await v1.clock.advance('11m', () => v2.t.bot.runtime.idle());
    // The applied one's timer fires in its new state; the other restarts when its timer comes due, silently for the user.
    expect(Object.fromEntries(repliesSince(v1.t.mock, before))).toEqual({ '4919200001': ['reminder: kept'] });
    expect(v2.t.bot.runtime.migrations.counts).toMatchObject({ migrated: 0, restarted: 1 });
    expect(await record(v2.t, '4919200002')).toMatchObject({ flowVersion: 2, snapshot: { value: 'start' }, timers: [] });
  });
});
