import type { Logger } from '../logger.ts';
import { parseWebhook, type ParsedWebhook } from '../messages/parse-webhook.ts';
import { InboxJournal, type InboxJournalOptions, type PendingBatch } from './inbox-journal.ts';

/** What the inbox hands work to: the runtime's `dispatch`, resolving when the batch has been handled. */
export type BatchProcessor = (parsed: ParsedWebhook) => Promise<void>;

/**
 * Acknowledged means durable: `accept` resolves only once the batch is in the inbox journal
 * (fsync'd), and the batch is then processed from there. At open, every batch recorded but not
 * processed before the last stop or crash is processed first; re-processing is harmless because the
 * runtime recognises message ids it has handled.
 */
export class DurableInbox {
  private constructor(
    readonly journal: InboxJournal,
    private readonly process: BatchProcessor,
    private readonly logger: Logger,
  ) {}

  /** Opens the journal in `dir` and returns the inbox with the batches recorded but not processed before the last stop; the caller processes them first. */
  static async open(options: Omit<InboxJournalOptions, 'onProblem'> & { process: BatchProcessor; logger: Logger }): Promise<{ inbox: DurableInbox; pending: PendingBatch[] }> {
    const { process, logger, ...journalOptions } = options;
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
    return { inbox: new DurableInbox(journal, process, logger), pending };
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
      this.finish(await this.journal.append(raw), Promise.resolve().then(() => this.process(parsed)));
      return;
    }
    const recorded = this.journal.append(raw);
    const processed = this.process(parsed);
    // If the batch cannot be recorded, the gateway gets a 503 and re-delivers it: a processing
    // failure then loses nothing, so it is not reported a second time.
    processed.catch(() => {});
    this.finish(await recorded, processed);
  }

  /** Processes batches found in the journal at start, in the order they were recorded. */
  replay(pending: PendingBatch[]): void {
    if (pending.length > 0) this.logger.info({ batches: pending.length }, 'inbox journal: processing batches recorded before the last stop');
    for (const { seq, body } of pending) {
      let parsed: ParsedWebhook;
      try {
        parsed = parseWebhook(JSON.parse(body.toString('utf8')));
      } catch (error) {
        // Only bodies that parsed are recorded, so this means a parser change: keep the batch, say so.
        this.logger.error({ err: error, seq }, 'inbox journal: a recorded batch no longer parses; it stays in the journal');
        continue;
      }
      this.finish(seq, this.process(parsed));
    }
  }

  /** Batches recorded and not yet processed. */
  get backlog(): number {
    return this.journal.backlog;
  }

  /** Writes the last done markers and closes the journal (call after the runtime is idle). */
  close(): Promise<void> {
    return this.journal.close();
  }

  /** Marks the batch done once it has been processed; a failure leaves it for the next start. */
  private finish(seq: number, processed: Promise<void>): void {
    processed
      .then(() => this.journal.markDone(seq))
      .catch((error: unknown) => this.logger.error({ err: error, seq }, 'inbox journal: batch processing failed; it will be processed again at the next start'));
  }
}
