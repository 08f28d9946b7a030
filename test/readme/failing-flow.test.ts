import { afterEach, expect, it } from 'vitest';
import { createTestBot, FlowStepError, type TestBot } from 'chartbot/testing';
import pizza from './pizza-menu-flow.ts'; // its size menu has four reply buttons; WhatsApp allows three

let bot: TestBot | undefined;
afterEach(() => bot?.close());

it('a flow that fails fails the test, and says where', async () => {
  bot = await createTestBot({ flow: pizza });
  const sam = bot.contact('4915550001');
  await sam.send('hi');
  const failure = sam.send('yes');
  await expect(failure).rejects.toThrow(FlowStepError);
  await expect(failure).rejects.toThrow(
    'flow "pizza" failed in state "choosing" on user.text: MessageLimitError: buttons: must have 1-3 buttons (got 4)',
  );
});

it("flowErrors: 'park' tests what production does instead", async () => {
  bot = await createTestBot({ flow: pizza, flowErrors: 'park' });
  const sam = bot.contact('4915550001');
  await sam.send('hi');
  await sam.send('yes'); // resolves: the message is parked for a retry, the contact keeps its state
  expect(sam.replies).toEqual([]);
  expect(sam.state).toBe('choosing');
  expect(await bot.runtime.parkedMessages()).toHaveLength(1);
});
