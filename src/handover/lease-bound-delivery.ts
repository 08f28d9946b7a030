import type { Clock } from '../conversation/clock.ts';
import { retryDelay, type RetryPolicy } from '../delivery/retry.ts';
import type { Logger } from '../logger.ts';
import type { Provider } from '../providers/provider.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import type { AgentSink } from './agent-sink.ts';
import { NOTIFICATION_RETRY } from './notification-delivery.ts';

export interface LeaseBoundDeliveryOptions {
  clock: Clock;
  logger: Logger;
  sinks: readonly AgentSink[];
  providerFor: (businessNumberId: string) => Provider;
  save: (record: ContactRecord) => Promise<void>;
  retry?: RetryPolicy;
  /** Time spent delivering in one turn of the contact, at most (default 2 s); the rest waits for the next turn. */
  budgetMs?: number;
}

/**
 * Hand-over notifications with several instances on Redis: delivered by the instance that holds
 * the contact's lease, in the contact's turn, so there is never a second deliverer and the order
 * holds whichever instance works on the contact next. A sink that fails gets its next attempt time
 * on the record (`agentRetry`), which makes the contact due then (src/redis: `nextDueAt`); the
 * conversation itself is held up at most `budgetMs` per turn. (In one process, delivery runs beside
 * the conversation instead: notification-delivery.ts.)
 */
export async function deliverInTurn(record: ContactRecord, options: LeaseBoundDeliveryOptions): Promise<void> {
  if (!record.agentOutbox?.length) return;
  const { clock, logger } = options;
  const started = clock.now();
  let changed = false;
  // Notifications for a sink no longer configured would keep the contact due for ever: drop them, loudly.
  const configured = new Set(options.sinks.map((sink) => sink.name));
  const orphans = record.agentOutbox.filter((entry) => !configured.has(entry.sink));
  if (orphans.length > 0) {
    logger.warn({ contact: record.key, sinks: [...new Set(orphans.map((e) => e.sink))], notifications: orphans.length }, 'hand-over notifications for agent tools no longer configured dropped');
    record.agentOutbox = record.agentOutbox.filter((entry) => configured.has(entry.sink));
    changed = true;
  }
  for (const sink of options.sinks) {
    const retry = record.agentRetry?.[sink.name];
    if (retry && retry.nextAttemptAt > clock.now()) continue;
    for (const entry of record.agentOutbox.filter((e) => e.sink === sink.name)) {
      if (clock.now() - started > (options.budgetMs ?? 2000)) break;
      try {
        const state = await sink.deliver(entry.notification, { state: record.sinkState?.[sink.name], provider: options.providerFor(record.businessNumberId) });
        if (state !== undefined) {
          const states = { ...record.sinkState };
          if (state) states[sink.name] = state;
          else delete states[sink.name];
          record.sinkState = states;
        }
      } catch (error) {
        const attempts = (record.agentRetry?.[sink.name]?.attempts ?? 0) + 1;
        const delay = retryDelay(attempts, error, { ...NOTIFICATION_RETRY, ...options.retry });
        record.agentRetry = { ...record.agentRetry, [sink.name]: { attempts, nextAttemptAt: clock.now() + delay } };
        logger.warn({ err: error, contact: record.key, sink: sink.name, notification: entry.notification.type, attempt: attempts, retryInMs: delay }, 'agent notification not delivered yet: retrying later');
        changed = true;
        break;
      }
      record.agentOutbox = record.agentOutbox.filter((e) => e !== entry);
      if (record.agentRetry?.[sink.name]) {
        const { [sink.name]: _done, ...others } = record.agentRetry;
        record.agentRetry = others;
      }
      changed = true;
    }
  }
  if (!changed) return;
  if (record.agentOutbox?.length === 0) delete record.agentOutbox;
  if (record.agentRetry && Object.keys(record.agentRetry).length === 0) delete record.agentRetry;
  if (record.sinkState && Object.keys(record.sinkState).length === 0) delete record.sinkState;
  record.updatedAt = clock.now();
  await options.save(record);
}
