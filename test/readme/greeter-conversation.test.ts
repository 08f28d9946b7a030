import { afterEach, expect, it } from 'vitest';
import { chartbotMatchers, createTestBot, expectTranscript, type TestBot } from 'chartbot/testing';
import greeter from './greeter-flow.ts';

expect.extend(chartbotMatchers);

let bot: TestBot | undefined;
afterEach(() => bot?.close());

it('offers coffee or tea and serves the choice', async () => {
  bot = await createTestBot({ flow: greeter });
  const sam = bot.contact('4915550001', { name: 'Sam' });
  await sam.send('hi');
  expect(sam).toHaveReplied('Hello Sam! Coffee or tea?');
  await sam.tap('Tea'); // fails unless the bot's last message offered a "Tea" button
  expect(sam).toHaveReplied('One tea coming up.');
  expect(sam.done).toBe(true);
});

it('asks again after five quiet minutes, with no real waiting', async () => {
  bot = await createTestBot({ flow: greeter });
  const sam = bot.contact('4915550001', { name: 'Sam' });
  await sam.send('hi');
  await bot.advance('5m');
  expect(sam).toHaveReplied('Still thirsty? Say hi to start again.');
  expect(sam).toBeInState('asking');
});

it('replays the transcript', async () => {
  await expectTranscript('test/readme/greeter.transcript');
});
