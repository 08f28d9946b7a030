import { expect, it } from 'vitest';
import { CoverageRecorder, createTestBot, formatCoverage } from 'chartbot/testing';
import support from '../../flows/support.ts';

const coverage = new CoverageRecorder(); // one per file (or suite): every bot below adds to it

it('reaches the hand-over', async () => {
  const bot = await createTestBot({ flow: support, coverage });
  const user = bot.contact('4915550006');
  await user.send('hi');
  await user.tap('Talk to a person');
  await bot.close();
  const [report] = coverage.report();
  expect(report?.states.visited).toContain('handover');
  expect(report?.states.unvisited).toContain('closed'); // "did we test the closing path?" No.
  expect(formatCoverage(coverage.report())).toContain('never reached: faq, ticket, handover.reassured, handover.talking, rating, reminder, closed');
});
