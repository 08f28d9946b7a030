import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationAssertionError, createTestBot, FlowStepError, performAction, runTranscript, type TestBot } from 'chartbot/testing';
import kitchen from './fixtures/kitchen-flow.ts';
import { tempDirForFile } from '../helpers/temp-dir.ts';

const temp = tempDirForFile('chartbot-kitchen-');
let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

/** The rejection of `action`, which must be a FlowStepError. */
async function flowError(action: Promise<unknown>): Promise<FlowStepError> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FlowStepError);
  return error as FlowStepError;
}

describe('a flow that fails makes the test fail, naming flow, state, event and cause', () => {
  it('an action that throws: send rejects', async () => {
    bot = await createTestBot({ flow: kitchen });
    const ann = bot.contact('4915550001');
    await ann.send('hello');
    const error = await flowError(ann.send('fire'));
    expect(error).toMatchObject({ flow: 'kitchen', state: 'ordering', event: 'user.text' });
    expect((error.cause as Error).message).toBe('the oven is on fire');
    expect(error.message.split('\n')[0]).toBe('after "user: fire": flow "kitchen" failed in state "ordering" on user.text: Error: the oven is on fire');
    expect(error.message).toContain('Whole conversation so far:\n  user: hello\n  bot: Order taken.\n  user: fire');
    expect(ann.replies).toEqual([]);
    expect(ann.state).toBe('ordering'); // the last good state
  });

  it('a reply builder that refuses its input (4 reply buttons) at run time', async () => {
    bot = await createTestBot({ flow: kitchen });
    const error = await flowError(bot.contact('4915550001').send('menu'));
    expect(error.message).toContain('failed in state "(not started)" on user.text: MessageLimitError: buttons: must have 1-3 buttons (got 4)');
  });

  it('an eventless loop past the microstep budget', async () => {
    bot = await createTestBot({ flow: kitchen, microstepBudget: 50 });
    const error = await flowError(bot.contact('4915550001').send('loop'));
    expect(error.message).toContain('StepBudgetError: more than 50 transitions for one event');
  });

  it('a service that does not settle in time', async () => {
    bot = await createTestBot({ flow: kitchen, serviceTimeoutMs: 30 });
    const error = await flowError(bot.contact('4915550001').send('slow'));
    expect(error.message).toContain('ServiceTimeoutError: service');
    expect(error.message).toContain('did not settle within 30 ms');
  });

  it('a timer: advance rejects', async () => {
    bot = await createTestBot({ flow: kitchen });
    const ann = bot.contact('4915550001');
    await ann.send('wait');
    const error = await flowError(bot.advance('1m'));
    expect(error).toMatchObject({ flow: 'kitchen', state: 'waiting' });
    expect(error.event).toMatch(/^xstate\.after\./);
    expect(error.message).toContain('Error: the timer burnt the toast');
  });

  it('a proactive event: notify rejects', async () => {
    bot = await createTestBot({ flow: kitchen });
    const ann = bot.contact('4915550001');
    await ann.send('hello');
    const error = await flowError(ann.notify({ type: 'api.restock' }));
    expect(error).toMatchObject({ state: 'ordering', event: 'api.restock' });
  });

  it("flowErrors: 'park' keeps production's behaviour to test it: the action resolves, the message is parked", async () => {
    bot = await createTestBot({ flow: kitchen, flowErrors: 'park' });
    const ann = bot.contact('4915550001');
    await ann.send('hello');
    await ann.send('fire');
    expect(ann.replies).toEqual([]);
    expect(ann.state).toBe('ordering');
    const parked = await bot.runtime.parkedMessages();
    expect(parked.map((p) => ('error' in p ? p.error : undefined))).toEqual([expect.stringContaining('the oven is on fire')]);
  });

  it('a transcript of a failing flow fails, with the failure where it happened', async () => {
    const file = join(temp.path(), 'kitchen.transcript');
    await writeFile(file, `flow: ${resolve('test/testing/fixtures/kitchen-flow.ts')}\n\nuser: hello\nbot: Order taken.\nuser: fire\nuser: hello\nbot: Order taken.\n`);
    const result = await runTranscript(file);
    expect(result.passed).toBe(false);
    expect(result.actual).toEqual([
      'user: hello',
      'bot: Order taken.',
      'user: fire',
      '! after "user: fire": flow "kitchen" failed in state "ordering" on user.text: Error: the oven is on fire',
      "! the contact stays in state \"ordering\" (in production the message is parked for a retry); to test that behaviour, create the bot with flowErrors: 'park'",
    ]);
  });
});

describe('every action of a test contact returns a promise, which rejects instead of throwing', () => {
  it('tap, pick, submitFlow, react, reportStatus and performAction', async () => {
    bot = await createTestBot({ flow: kitchen });
    const ann = bot.contact('4915550001');
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['tap', () => ann.tap('Large')],
      ['pick', () => ann.pick('Margherita')],
      ['submitFlow', () => ann.submitFlow({ size: 'large' })],
      ['react', () => ann.react('👍')],
      ['reportStatus', () => ann.reportStatus('read')],
      ['performAction', () => performAction(ann, 'order', 'two pizzas please')],
    ];
    for (const [name, attempt] of attempts) {
      let pending: Promise<unknown> | undefined;
      expect(() => (pending = attempt()), `${name} threw instead of returning a rejected promise`).not.toThrow();
      await expect(pending, name).rejects.toThrow(name === 'performAction' ? /cannot read order item/ : ConversationAssertionError);
    }
  });
});
