import type { ChaosFigures } from './chaos-outcome.ts';
import type { DuplicateAttribution } from './duplicate-attribution.ts';

/** The figures of `npm run chaos -- --redis`. */
export interface RedisChaosReport extends ChaosFigures {
  instances: number;
  leaseMs: number;
  /** What `/health` said the store is ("redis"). */
  store: string;
  /** POSTs not answered 200 (a killed instance, Redis down): each was retried elsewhere. */
  refused: number;
  /** Where the extra copies came from: which kill or Redis restart can explain each. */
  duplicates: DuplicateAttribution;
  /**
   * Graceful stops under load (SIGTERM, a rolling deploy): how many, how many exited 0, how many
   * ran out of their grace period (replies paced by the pair rate limit still waiting), and the
   * leases left behind by the others (which must hand every contact back).
   */
  stops: { count: number; clean: number; overGrace: number; leasesLeft: number };
  /** The final kill of every instance at once while each contact's last timer was pending. */
  finalKills: number;
  redisRestarts: number;
  /** Contacts the killed instances held at their kill, and how long until another instance claimed each. */
  failover: { held: number; medianMs: number | undefined; maxMs: number | undefined; stuck: number };
  /** Inbox items left in Redis after the clean stop (0: everything acknowledged was processed). */
  inboxLeft: number;
  parked: number;
  /** Instances that exited 0 at the final SIGTERM. */
  cleanExits: number;
  durationMs: number;
}

const ms = (value: number | undefined) => (value === undefined ? '–' : `${(value / 1000).toFixed(2)} s`);

export function formatRedisReport(report: RedisChaosReport): string {
  const { perKill, afterFinalKill, afterRedisRestarts, otherwise, beyondWindow } = report.duplicates;
  return [
    `instances           ${report.instances} chartbot start processes on one redis-server (AOF, appendfsync always), lease ${report.leaseMs} ms; /health store: ${report.store}`,
    `messages sent       ${report.messagesSent} (in ${report.posts} POSTs, ${report.refused} refused and retried elsewhere, ${report.redeliveries} deliberate re-deliveries)`,
    `processed           ${report.processed}`,
    `lost                ${report.lost}`,
    `processed twice     ${report.processedTwice}`,
    `out of order        ${report.outOfOrder} contacts`,
    `replies expected    ${report.repliesExpected}, missing ${report.repliesMissing}`,
    `replies duplicated  ${report.duplicateReplies} (at-least-once: sends in flight at a kill): after kills under load ${perKill.reduce((a, b) => a + b, 0)} (max ${Math.max(0, ...perKill)} per kill), after the final kill ${afterFinalKill}, after Redis restarts ${afterRedisRestarts}, after a lease expired under a live sender ${otherwise}; more than one per contact and event ${beyondWindow}`,
    `timers lost         ${report.timersLost}, fired twice ${report.timersFiredTwice}`,
    `kills               ${report.kills} SIGKILLs under load, then ${report.finalKills} at once while the last timers were pending`,
    `graceful stops      ${report.stops.count} SIGTERMs under load (rolling deploy): ${report.stops.clean} exited 0, ${report.stops.overGrace} after their grace period (paced replies left for the others), leases left by the rest ${report.stops.leasesLeft}`,
    `failover            ${report.failover.held} contacts held by killed instances, claimed elsewhere after median ${ms(report.failover.medianMs)}, max ${ms(report.failover.maxMs)}; never taken over ${report.failover.stuck}`,
    `redis restarts      ${report.redisRestarts} (SIGKILL, same dir and port)`,
    `left in redis       ${report.inboxLeft} inbox items, ${report.parked} parked; clean exits at SIGTERM ${report.cleanExits} of ${report.instances}`,
    `duration            ${(report.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

/**
 * The pass criteria: nothing lost, processed twice or out of order, every reply sent, every last
 * timer fired once, every held contact taken over, the inboxes drained, every instance stopped
 * cleanly (under load too, handing its contacts back). Repeated replies are allowed (at-least-once sending across a kill) and reported.
 */
export function redisChaosPassed(report: RedisChaosReport): boolean {
  return (
    report.store === 'redis' &&
    report.lost === 0 &&
    report.processedTwice === 0 &&
    report.outOfOrder === 0 &&
    report.repliesMissing === 0 &&
    report.timersLost === 0 &&
    report.timersFiredTwice === 0 &&
    report.failover.stuck === 0 &&
    report.stops.clean === report.stops.count &&
    report.stops.leasesLeft === 0 &&
    report.inboxLeft === 0 &&
    report.parked === 0 &&
    report.cleanExits === report.instances
  );
}
