import { describe, expect, it } from 'vitest';
import { formatReport, QUICK, runChaos } from '../../scripts/chaos/run-chaos.ts';
import { expectNothingLost } from '../helpers/chaos-expectations.ts';

describe('chaos (npm run chaos -- --quick)', () => {
  it(
    'a real chartbot process SIGKILLed and restarted under load loses no message, processes none twice, keeps order, sends every reply and fires every timer',
    async () => {
      const report = await runChaos(QUICK);
      console.log(formatReport(report));
      expect(report.kills).toBe(QUICK.kills);
      expectNothingLost(report, QUICK.contacts * QUICK.minMessages);
      // The stated window: a kill repeats at most the replies in flight, one per contact at most.
      expect(report.duplicateReplies).toBeLessThanOrEqual(report.kills * QUICK.contacts);
      expect(report.mostCopiesOfOneReply).toBeLessThanOrEqual(1 + report.kills);
      expect(report.cleanExit).toBe(true);
      expect(report.journalSegmentsLeft).toBe(0);
      expect(report.quarantined).toBe(0);
    },
    70_000,
  );
});
