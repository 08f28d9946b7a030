import type { EventObject } from 'xstate';
import type { UserEvent } from '../messages/inbound-events.ts';
import type { ParsedWebhook } from '../messages/parse-webhook.ts';
import type { StatusUpdate } from '../messages/status-update.ts';

/** The work a contact can have, as the runtime's contact jobs do it (contact-jobs.ts). */
export interface ContactWorkHandlers {
  /** An inbound message: de-duplicated, marked read, run through the machine, replies sent. */
  inbound(key: string, event: UserEvent): Promise<void>;
  /** A status webhook for one of the bot's messages. */
  status(key: string, update: StatusUpdate): Promise<void>;
  /** An event for the machine queued by the runtime itself (`bot.failed` after a refused reply). */
  event(key: string, event: EventObject): Promise<void>;
  /** Fires the contact's due timers. */
  timers(key: string): Promise<void>;
  /** Delivers the contact's outbox (what is due of it). */
  outbox(key: string): Promise<void>;
  /** Whatever of the contact's saved work is due now: replies whose next attempt has come, timers. */
  due(key: string): Promise<void>;
}

/**
 * Who runs a contact's work, and when: one job at a time per contact, in order. In one process
 * (local-coordination.ts) that is an in-memory queue per contact and timers on the clock; with
 * several processes sharing Redis (src/redis/) it is a lease per contact, an inbox list per contact
 * and a sorted set of due contacts. The runtime talks only to this interface.
 */
export interface Coordination {
  /**
   * Several processes share the contacts: work that must not run twice at once for a contact (the
   * delivery of hand-over notifications) runs in the contact's turn.
   */
  readonly distributed: boolean;
  /** Called once by the runtime with the handlers of its contact jobs. */
  bind(handlers: ContactWorkHandlers): void;
  /** Picks up what the last run left: pending timers, unsent replies (local), due contacts (distributed). */
  start(): Promise<void>;
  /**
   * Hands what a webhook carried to its contacts. Resolves when all of it has been handled; rejects
   * when any part could not be (the store refused a save), so the caller keeps the batch.
   */
  dispatch(parsed: ParsedWebhook): Promise<void>;
  /** Runs `job` in the contact's turn; resolves when it has run. */
  run(key: string, job: () => Promise<void>): Promise<void>;
  /** Queues an event for the contact, after its current work. */
  enqueueEvent(key: string, event: EventObject): void;
  /** The contact's earliest timer (undefined: none). */
  armTimer(key: string, at: number | undefined): void;
  /** A reply of the contact waits for its next attempt until `at`. */
  scheduleRetry(key: string, at: number): void;
  /** Keeps `idle()` waiting until the returned function is called (a read receipt in flight). */
  hold(): () => void;
  /** Resolves when this process has no queued or running work and nothing held. */
  idle(): Promise<void>;
  /** Jobs queued or running in this process. */
  readonly backlog: number;
  /** Contacts with a reply waiting for its next attempt, as far as this process knows. */
  readonly retrying: number;
  /** Contacts with a pending timer, as far as this process knows (metrics: `chartbot_timers_pending`; optional). */
  readonly timersPending?: number;
  /** Stops timers and polling, lets queued work finish. */
  close(): Promise<void>;
}
