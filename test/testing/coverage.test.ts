import { afterEach, describe, expect, it } from 'vitest';
import { CoverageRecorder, createTestBot, formatCoverage, type TestBot } from 'chartbot/testing';
import support from '../../flows/support.ts';
import nested from './fixtures/nested-flow.ts';

let bots: TestBot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.close();
});

async function start(options: Parameters<typeof createTestBot>[0]): Promise<TestBot> {
  const bot = await createTestBot(options);
  bots.push(bot);
  return bot;
}

describe('coverage of the conversation graph', () => {
  it('reports visited and unvisited states and transitions of the support flow', async () => {
    const bot = await start({ flow: support });
    const user = bot.contact('4915550020', { name: 'Ivy' });
    await user.send('hi');
    await user.tap('Talk to a person');
    const [report] = bot.coverage();
    expect(report?.flow).toBe('support');
    expect(report?.states.visited).toEqual(['start', 'menu', 'handover', 'handover.waiting']);
    expect(report?.states.unvisited).toEqual(['faq', 'ticket', 'handover.reassured', 'handover.talking', 'rating', 'reminder', 'closed']);
    expect(report?.transitions.taken).toEqual(['start --user.*--> menu', expect.stringMatching(/^menu --user\.button \[.*human.*\]--> handover$/)]);
    expect(report?.transitions.total).toBe(29);
    expect(report?.transitions.untaken).toHaveLength(27);
    expect(report?.transitions.untaken).toContain('reminder --after closeAfter (1h)--> closed');
  });

  it('the hand-over path shows as never taken when the tests skip it', async () => {
    const bot = await start({ flow: support });
    await bot.contact('4915550021').send('hi');
    const text = formatCoverage(bot.coverage());
    expect(text.split('\n')[0]).toBe('flow support: states 2/11 (18%), transitions 1/29 (3%)');
    expect(text).toContain('  never reached: faq, ticket, handover, handover.waiting, handover.reassured, handover.talking, rating, reminder, closed\n');
    expect(text).toMatch(/\n {4}menu --user\.button \[.*human.*\]--> handover\n/);
  });

  it('one recorder adds up several bots, and timers count as transitions', async () => {
    const coverage = new CoverageRecorder();
    const first = await start({ flow: support, coverage });
    await first.contact('1').send('hi');
    await first.advance('10m');
    const second = await start({ flow: support, coverage });
    await second.contact('2').send('hi');
    await second.contact('2').tap('FAQ');
    const [report] = coverage.report();
    expect(report?.states.visited).toEqual(['start', 'menu', 'faq', 'reminder']);
    expect(report?.transitions.taken).toContain('menu --after idle (10m)--> reminder');
    expect(coverage.report()).toHaveLength(1); // the same machine is tracked once
  });

  it('nested and parallel states count with their parents; named guards and delays are named', async () => {
    const bot = await start({ flow: nested });
    const user = bot.contact('4915550022');
    await user.send('large');
    expect(user.state).toBe('order.confirm');
    expect(user.matches('order')).toBe(true);
    await user.send('yes');
    expect(user.state).toBe('done.payment.pending + done.shipping.packing');
    await bot.advance('5s');
    expect(user.matches('done.payment.paid')).toBe(true);
    const [report] = bot.coverage();
    expect(report?.states.unvisited).toEqual([]);
    expect(report?.transitions.taken).toEqual([
      'order.size --user.text--> order.confirm',
      'order.confirm --user.text [isYes]--> done',
      'done.payment.pending --after 5s--> done.payment.paid',
    ]);
    expect(report?.transitions.untaken).toEqual(['order.confirm --user.text--> order.size', 'order.confirm --after nudge (1m30s)--> (stays)']);
  });
});
