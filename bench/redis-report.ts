/** The bench's report of chartbot on Redis (redis-instances.ts) and of the webhook flood (webhook-flood.ts). */
import type { RedisBench } from './redis-instances.ts';
import type { EndToEnd } from './report.ts';
import { table } from './table.ts';
import type { FloodResult } from './webhook-flood.ts';

/** Targets of issue 13: one instance on Redis ≥ 60% of lowdb; round trips per message in single digits. */
export function redisBudget(redis: RedisBench): Array<{ check: string; value: string; target: string; met: boolean }> {
  const one = redis.runs.find((run) => run.instances === 1);
  if (!one) return [];
  const ratio = redis.sideBySide.ratio;
  return [
    { check: 'Redis, 1 instance vs lowdb (single POSTs, side by side)', value: `${(ratio * 100).toFixed(0)}%`, target: '≥ 60%', met: ratio >= 0.6 },
    { check: 'Redis round trips per message, 1 instance', value: String(one.roundTripsPerMessage), target: '< 10', met: one.roundTripsPerMessage < 10 },
  ];
}

export function formatRedis(redis: RedisBench, lowdbSingle: EndToEnd, bareBotSingle: EndToEnd): string {
  const lat = (e: EndToEnd) => [e.latency?.p50 ?? '', e.latency?.p99 ?? ''];
  const rows: Array<Array<string | number>> = [
    ['bare bot (required I/O only), 1 process', bareBotSingle.load.messagesPerSecond, ...lat(bareBotSingle), '', '', bareBotSingle.load.cpuUsPerMessage ?? '', ''],
    ['chartbot on lowdb, 1 process', lowdbSingle.load.messagesPerSecond, ...lat(lowdbSingle), '', '', lowdbSingle.load.cpuUsPerMessage ?? '', ''],
    ...redis.runs.map((run) => [
      `chartbot on Redis, ${run.instances} instance${run.instances > 1 ? 's' : ''}`,
      run.load.messagesPerSecond,
      run.latency.p50,
      run.latency.p99,
      run.commandsPerMessage,
      run.roundTripsPerMessage,
      run.botCpuUsPerMessage,
      run.redisCpuUsPerMessage,
    ]),
  ];
  const one = redis.runs.find((run) => run.instances === 1);
  return [
    `chartbot on Redis (one redis-server, appendonly ${redis.appendonly}, appendfsync ${redis.appendfsync}; ${redis.contacts} contacts stored; single-message POSTs spread across the instances; metrics on to count round trips)`,
    table(['scenario', 'msg/s', 'p50 ms', 'p99 ms', 'Redis cmds/msg', 'round trips/msg', 'bot CPU µs/msg', 'Redis CPU µs/msg'], rows),
    ...(one
      ? [
          `Redis, 1 instance / lowdb, measured side by side (both bots running, load in alternating slices; metrics on in both): ${redis.sideBySide.redis} / ${redis.sideBySide.lowdb} msg/s = ${(redis.sideBySide.ratio * 100).toFixed(1)}% (slices: ${redis.sideBySide.slices.map((s) => `${s.mode} ${s.messagesPerSecond}`).join(', ')})`,
          `CPU per message in those slices, µs: lowdb bot ${redis.sideBySide.cpuUsPerMessage.lowdb}; Redis bot ${redis.sideBySide.cpuUsPerMessage.redisBot} + redis-server ${redis.sideBySide.cpuUsPerMessage.redisServer}`,
          `Redis, 1 instance / lowdb, rows above (measured a minute or more apart): ${((one.load.messagesPerSecond / lowdbSingle.load.messagesPerSecond) * 100).toFixed(1)}%`,
          `round trips per message, 1 instance: ${Object.entries(one.roundTripsByOperation).map(([op, n]) => `${op} ${n}`).join(', ')}`,
          `Redis commands per message, 1 instance: ${Object.entries(one.commandsByName).map(([op, n]) => `${op} ${n}`).join(', ')}`,
        ]
      : []),
    `bot CPU is summed over the instances; CPU per message predicts a machine's ceiling: 1e6 / (bot µs/msg) msg/s per bot core, 1e6 / (Redis µs/msg) for Redis's one main thread`,
  ].join('\n');
}

export function formatFlood(flood: FloodResult): string {
  const { load } = flood;
  return [
    `Webhook flood with backpressure (CHARTBOT_MAX_BACKLOG=${flood.maxBacklog}; ${load.messages} messages from new contacts in batches of ${flood.batchSize}, posted as fast as the bot answers)`,
    `answered: ${load.completed} messages accepted (200), ${load.unavailable} POSTs refused with 503 (${load.unavailable * flood.batchSize} messages), ${load.httpErrors - load.unavailable} other errors, in ${(load.elapsedMs / 1000).toFixed(1)} s`,
    `bot RSS: ${flood.idleRssMb} MB idle, peak ${flood.peakRssMb} MB, ${flood.drainedRssMb} MB once the accepted backlog ${flood.drained ? `drained (${(flood.drainMs / 1000).toFixed(1)} s after posting stopped)` : `had not drained within ${(flood.drainMs / 1000).toFixed(1)} s`}`,
  ].join('\n');
}
