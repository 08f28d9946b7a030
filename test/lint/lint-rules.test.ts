import { describe, expect, it } from 'vitest';
import { loadFlowFile } from '../../src/conversation/load-flows.ts';
import { lintFlowFile } from '../../src/lint/lint-files.ts';
import type { LintFinding } from '../../src/lint/finding.ts';

const fixture = (name: string) => `test/lint/fixtures/${name}.ts`;
const lint = async (name: string): Promise<LintFinding[]> => (await lintFlowFile(fixture(name))).findings;
const of = (findings: LintFinding[], rule: string) => findings.filter((f) => f.rule === rule);

/** Every rule: found in its fixture, and not in the near-miss fixture beside it (which is clean for every rule). */
describe('chartbot lint rules', () => {
  it('silent-state: a waiting state with no answer for user.text, naming what it does handle', async () => {
    const found = await lint('silent-state');
    expect(found).toEqual([
      {
        file: 'test/lint/fixtures/silent-state.ts',
        flow: 'silent',
        state: 'ask',
        rule: 'silent-state',
        severity: 'warning',
        message: expect.stringContaining('handled here: user.button, user.location') as string,
      },
    ]);
    // Answered by a parent, a wildcard, another parallel region, or allowed in meta: nothing found.
    expect(await lint('silent-state-near-miss')).toEqual([]);
  });

  it('unreachable-state: a state nothing leads to, reported once for it and its inner states', async () => {
    const found = await lint('unreachable-state');
    expect(found.map((f) => [f.state, f.rule, f.severity])).toEqual([['survey', 'unreachable-state', 'error']]);
    expect(found[0]?.message).toContain('nor to its 1 inner state');
    // Reached through a guard, an after, an id, a history default and a parallel region.
    expect(await lint('unreachable-state-near-miss')).toEqual([]);
  });

  it('dead-end: a non-final state where nothing reacts any more', async () => {
    const found = await lint('dead-end');
    expect(found.map((f) => [f.state, f.rule, f.severity])).toEqual([['waiting', 'dead-end', 'error']]);
    expect(await lint('dead-end-near-miss')).toEqual([]);
  });

  it('unknown-event: user.*, bot.*, agent.* types chartbot never sends, with the likely meant one', async () => {
    const found = of(await lint('unknown-event'), 'unknown-event');
    expect(found.map((f) => [f.state, f.severity, f.message.split(',')[0]])).toEqual([
      ['', 'error', "handles 'bot.fail'"],
      ['menu', 'error', "handles 'user.txt'"],
      ['menu', 'error', "handles 'user.txt.*'"],
      ['talking', 'error', "handles 'agent.mesage'"],
    ]);
    expect(found.map((f) => /did you mean '([^']+)'/.exec(f.message)?.[1])).toEqual(['bot.failed', 'user.text', 'user.text', 'agent.message']);
    // Known types, wildcards, the hand-over events and the flow's own prefixes (api.*, shop.*).
    expect(await lint('unknown-event-near-miss')).toEqual([]);
  });

  it('reply-limits: static replies over the limits, named by field, limit and value, on their state', async () => {
    const found = await lint('reply-limits');
    expect(found.map((f) => [f.state, f.rule, f.message])).toEqual([
      ['', 'reply-limits', 'a message built when the flow file loads: buttons: must have 1-3 buttons (got 0)'],
      ['pick', 'reply-limits', 'reply in entry: buttons[0].title: must be 1-20 characters (got "I would like a refund please")'],
      ['pick', 'reply-limits', `reply in on user.text: text.body: must be 1-4096 characters (got "${'x'.repeat(39)}…" (4097 characters))`],
      ['browse', 'reply-limits', 'reply in entry: rows: must have 1-10 rows in total (got 11)'],
      ['confirm', 'reply-limits', 'reply in entry: buttons[1].id: must be unique (got "yes")'],
    ]);
    // At the limits exactly, or computed at run time: nothing found.
    expect(await lint('reply-limits-near-miss')).toEqual([]);
  });

  it('reply-limits: outside lint the same file still fails to load, as before', async () => {
    await expect(loadFlowFile(`${fixture('reply-limits')}?outside-lint`)).rejects.toThrow(/buttons: must have 1-3 buttons/);
  });

  it('window-timer: a free-form reply after 24 hours or more (on the transition or entering its target)', async () => {
    const found = await lint('window-timer');
    expect(found.map((f) => [f.state, f.rule, f.severity])).toEqual([
      ['quoted', 'window-timer', 'warning'],
      ['nudged', 'window-timer', 'warning'],
    ]);
    expect(found[0]?.message).toMatch(/^after followUp \(1d\), entering nudged sends a free-form reply: .*template/);
    expect(found[1]?.message).toMatch(/^after 2d, the transition sends a reply computed by a function/);
    // 23 hours as text, 24 hours as a template: nothing found.
    expect(await lint('window-timer-near-miss')).toEqual([]);
  });

  it('the example support flow is lint-clean', async () => {
    expect((await lintFlowFile('flows/support.ts')).findings).toEqual([]);
  });
});
