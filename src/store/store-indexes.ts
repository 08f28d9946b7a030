import { join } from 'node:path';
import { handoverMark, nextFireAt, type ContactRecord } from './contact-record.ts';
import { KeyIndex } from './key-index.ts';

/** What the indexes hold of one record. */
export interface IndexMarks {
  /** Its earliest timer. */
  fireAt: number | undefined;
  /** How many replies wait in its outbox. */
  unsent: number | undefined;
  /** Its hand-over (when it started; 0 for agent notifications still to deliver). */
  handover: number | undefined;
}

export function indexMarks(record: ContactRecord): IndexMarks {
  return { fireAt: nextFireAt(record), unsent: record.outbox?.length || undefined, handover: handoverMark(record) };
}

/**
 * The lowdb store's indexes, so that after a restart the contacts that need work are found without
 * reading every record: contacts with a timer (timers.jsonl), with unsent replies (outbox.jsonl),
 * and in a hand-over or with agent notifications pending (handovers.jsonl, src/handover). Derived
 * data: the records stay the truth.
 */
export class StoreIndexes {
  private constructor(
    private readonly timers: KeyIndex,
    private readonly outbox: KeyIndex,
    private readonly handovers: KeyIndex,
    /** Indexes that did not exist (or were damaged): `rebuildMissing` fills them from the records. */
    private readonly missing: { timers: boolean; outbox: boolean; handovers: boolean },
  ) {}

  static async open(dir: string, onDamaged: (file: string, quarantinedAs: string) => void): Promise<StoreIndexes> {
    const timers = new KeyIndex(join(dir, 'timers.jsonl'), onDamaged);
    const timersExisted = await timers.open();
    const outbox = new KeyIndex(join(dir, 'outbox.jsonl'), onDamaged);
    const outboxExisted = await outbox.open();
    const handovers = new KeyIndex(join(dir, 'handovers.jsonl'), onDamaged);
    const handoversExisted = await handovers.open();
    return new StoreIndexes(timers, outbox, handovers, { timers: !timersExisted, outbox: !outboxExisted, handovers: !handoversExisted });
  }

  /** With the journal: the marks of a journaled record, kept in memory until `writeNoted`. */
  note(key: string, marks: IndexMarks): void {
    this.timers.note(key, marks.fireAt);
    this.outbox.note(key, marks.unsent);
    this.handovers.note(key, marks.handover);
  }

  /** Writes what `note` kept; the journal runs it before a checkpoint retires the records. */
  writeNoted(): void {
    this.timers.writeNoted();
    this.outbox.writeNoted();
    this.handovers.writeNoted();
  }

  /**
   * Without the journal, before a record is written. Write-ahead: an index never misses work that a
   * durable record holds. Before the record is written the index may only gain an entry (or an
   * earlier time); afterwards `setExactly` makes it exact.
   */
  async widen(key: string, marks: IndexMarks): Promise<void> {
    const indexedAt = this.timers.get(key);
    if (marks.fireAt !== undefined && (indexedAt === undefined || marks.fireAt < indexedAt)) await this.timers.set(key, marks.fireAt);
    if (marks.unsent !== undefined) await this.outbox.set(key, marks.unsent);
    if (marks.handover !== undefined) await this.handovers.set(key, marks.handover);
  }

  /** Sets the indexes exactly for a record that is now durable. */
  async setExactly(key: string, record: ContactRecord): Promise<void> {
    const marks = indexMarks(record);
    await this.timers.set(key, marks.fireAt);
    await this.outbox.set(key, marks.unsent);
    await this.handovers.set(key, marks.handover);
  }

  /** The indexes are derived data: if one is missing while contacts exist, rebuild it from the records. */
  async rebuildMissing(keys: () => Promise<string[]>, load: (key: string) => Promise<ContactRecord | undefined>): Promise<void> {
    const { missing } = this;
    if (!missing.timers && !missing.outbox && !missing.handovers) return;
    for (const key of await keys()) {
      const record = await load(key);
      if (!record) continue;
      const marks = indexMarks(record);
      if (missing.timers) await this.timers.set(key, marks.fireAt);
      if (missing.outbox) await this.outbox.set(key, marks.unsent);
      if (missing.handovers) await this.handovers.set(key, marks.handover);
    }
  }

  pendingTimers(): Map<string, number> {
    return this.timers.entries();
  }

  pendingOutbox(): string[] {
    return [...this.outbox.entries().keys()];
  }

  handoverContacts(): string[] {
    return [...this.handovers.entries().keys()];
  }

  async close(): Promise<void> {
    await this.timers.close();
    await this.outbox.close();
    await this.handovers.close();
  }
}
