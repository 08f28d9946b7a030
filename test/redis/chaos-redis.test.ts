import { describe, expect, it } from 'vitest';
import { formatRedisReport } from '../../scripts/chaos/redis-chaos-report.ts';
import { REDIS_QUICK, runRedisChaos } from '../../scripts/chaos/run-redis-chaos.ts';
import { expectNothingLost } from '../helpers/chaos-expectations.ts';

describe('chaos on Redis (npm run chaos -- --redis --quick)', () => {
  it(
    'three chartbot processes on one Redis, SIGKILLed (once SIGTERMed) and restarted under load, Redis restarted: nothing lost, nothing twice, order kept, every reply sent, every timer fired once',
    async () => {
      const report = await runRedisChaos(REDIS_QUICK);
      console.log(formatRedisReport(report));
      expect(report.store).toBe('redis');
      expect(report.kills + report.stops.count).toBe(REDIS_QUICK.kills);
      expect(report.redisRestarts).toBe(REDIS_QUICK.redisRestarts);
      expectNothingLost(report, REDIS_QUICK.contacts * REDIS_QUICK.minMessages);
      expect(report.timersFiredTwice).toBe(0); // counted in the machines' state here, not from replies
      // Every contact a killed instance held was taken over by another (duplicate replies are allowed: at-least-once).
      expect(report.failover.stuck).toBe(0);
      // Instances stopped with SIGTERM under load exited 0 and handed every contact back.
      expect(report.stops.clean).toBe(report.stops.count);
      expect(report.stops.leasesLeft).toBe(0);
      expect(report.inboxLeft).toBe(0);
      expect(report.parked).toBe(0);
      expect(report.cleanExits).toBe(REDIS_QUICK.instances);
    },
    70_000,
  );
});
