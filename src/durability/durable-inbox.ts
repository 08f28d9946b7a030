import type { Logger } from '../logger.ts';
import { parseWebhook, type ParsedWebhook } from '../messages/parse-webhook.ts';
import { InboxJournal, type InboxJournalOptions, type PendingBatch } from './inbox-journal.ts';

/** What the inbox hands work to: the runtime's `dispatch`, resolving when the batch has been handled. */
export type BatchProcessor = (parsed: ParsedWebhook) => Promise<void>;

/** Waits between attempts at a batch whose processing failed (a store that refused writes). */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;

/** Options of `DurableInbox.open`: the journal's, what processes a batch, and what to tell of failures. */
export interface DurableInboxOptions extends Omit<InboxJournalOptions, 'onProblem'> {
  process: BatchProcessor;
  logger: Logger;
  /** Told when recording fails (the disk refuses writes) and when it works again. */
  onRecordFailed?: (error: unknown) => void;
  /** Told when a batch was recorded (after failures: the disk takes writes again). */
  onRecorded?: () => void;
  /** Resolves when the runtime has room for more work (replay at start waits on it). */
  room?: () => Promise<void>;
}

/**
 * Acknowledged means durable: `accept` resolves only once the batch is in the inbox journal
 * (fsync'd), and the batch is then processed from there. At open, every batch recorded but not
 * processed before the last stop or crash is processed first; re-processing is harmless because the
 * runtime recognises message ids it has handled. A batch whose processing fails (its contacts' saves
 * were refused) is processed again after a pause, until it succeeds: when the disk takes writes
 * again the bot goes on by itself.
 */
export class DurableInbox {
  private closed = false;
  /** Batches waiting for another attempt after a failure: their timers, and how to run them now. */
  private readonly retryTimers = new Map<ReturnType<typeof setTimeout>, () => void>();

  private constructor(
    readonly journal: InboxJournal,
    private readonly options: DurableInboxOptions,
  ) {}

  /** Opens the journal in `dir` and returns the inbox with the batches recorded but not processed before the last stop; the caller processes them first. */
  static async open(options: DurableInboxOptions): Promise<{ inbox: DurableInbox; pending: PendingBatch[] }> {
    const { process: _process, logger, onRecordFailed: _failed, onRecorded: _recorded, room: _room, ...journalOptions } = options;
    const { journal, pending } = await InboxJournal.open({
      ...journalOptions,
      onProblem: ({ file, kind, reason, offset, recordsKept, quarantinedAs }) => {
        if (kind === 'torn') {
          logger.warn({ file, offset, reason, recordsKept }, 'inbox journal: torn record at the end of a segment skipped (a crash mid-append; that batch was never acknowledged)');
        } else {
          logger.error({ file, offset, reason, recordsKept, quarantinedAs }, 'inbox journal: corrupt segment quarantined; the records before the damage are kept');
        }
      },
    });
    return { inbox: new DurableInbox(journal, options), pending };
  }

  /**
   * Records the batch durably and processes it; resolves once it is recorded (the webhook's 200).
   * Rejects when it could not be recorded (the webhook's 503, so the gateway sends it again).
   *
   * Processing starts at once instead of after the fsync, which takes one disk flush off every
   * message's path. That is safe: a crash before the fsync means no 200 was sent, so the gateway
   * re-delivers the batch and the message ids already handled are recognised; what the step decided
   * is in the contact's saved outbox. Only the done marker waits for both.
   */
  async accept(raw: Buffer, parsed: ParsedWebhook): Promise<void> {
    if (parsed.messages.length === 0 && parsed.statuses.length === 0) return; // nothing to lose
    if (this.journal.busy) {
      // Under load, batches that wait for the same commit are then processed in one go, which
      // batches everything downstream (store commits, provider calls): more messages per second.
      const seq = await this.record(raw);
      this.finish(seq, parsed, Promise.resolve().then(() => this.options.process(parsed)));
      return;
    }
    const recorded = this.record(raw);
    const processed = this.options.process(parsed);
    // If the batch cannot be recorded, the gateway gets a 503 and re-delivers it: a processing
    // failure then loses nothing, so it is not reported a second time.
    processed.catch(() => {});
    this.finish(await recorded, parsed, processed);
  }

  /**
   * Processes batches found in the journal at start, in the order they were recorded, waiting for
   * room in the runtime between them (a long backlog is not all held in memory at once). Resolves
   * once every one of them is queued: new webhooks must wait until then to keep each contact's order.
   */
  async replay(pending: PendingBatch[]): Promise<void> {
    if (pending.length > 0) this.options.logger.info({ batches: pending.length }, 'inbox journal: processing batches recorded before the last stop');
    for (const { seq, body } of pending) {
      if (this.closed) return;
      await this.options.room?.();
      let parsed: ParsedWebhook;
      try {
        parsed = parseWebhook(JSON.parse(body.toString('utf8')));
      } catch (error) {
        // Only bodies that parsed are recorded, so this means a parser change: keep the batch, say so.
        this.options.logger.error({ err: error, seq }, 'inbox journal: a recorded batch no longer parses; it stays in the journal');
        continue;
      }
      this.finish(seq, parsed, this.options.process(parsed));
    }
  }

  /** Batches recorded and not yet processed. */
  get backlog(): number {
    return this.journal.backlog;
  }

  /** Writes the last done markers and closes the journal (call after the runtime is idle). */
  close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers.keys()) clearTimeout(timer);
    this.retryTimers.clear();
    return this.journal.close();
  }

  private async record(raw: Buffer): Promise<number> {
    try {
      const seq = await this.journal.append(raw);
      this.options.onRecorded?.();
      // The disk takes writes again: batches waiting after a failure need not wait out their pause.
      if (this.retryTimers.size > 0) this.retryWaitingNow();
      return seq;
    } catch (error) {
      this.options.onRecordFailed?.(error);
      throw error;
    }
  }

  /** Marks the batch done once it has been processed; a failure processes it again after a pause. */
  private finish(seq: number, parsed: ParsedWebhook, processed: Promise<void>, delay = RETRY_FIRST_MS): void {
    processed.then(
      () => this.journal.markDone(seq),
      (error: unknown) => {
        if (this.closed) {
          this.options.logger.error({ err: error, seq }, 'inbox journal: batch processing failed; it will be processed again at the next start');
          return;
        }
        this.options.logger.error({ err: error, seq, retryInMs: delay }, 'inbox journal: batch processing failed; trying again');
        const again = () => {
          this.retryTimers.delete(timer);
          if (this.closed) return;
          this.finish(seq, parsed, this.options.process(parsed), Math.min(RETRY_MAX_MS, delay * 2));
        };
        const timer = setTimeout(again, delay);
        timer.unref();
        this.retryTimers.set(timer, again);
      },
    );
  }

  private retryWaitingNow(): void {
    for (const [timer, again] of [...this.retryTimers]) {
      clearTimeout(timer);
      again();
    }
  }
}
