import { join } from 'node:path';
import type { Coordination } from '../conversation/coordination.ts';
import type { Runtime } from '../conversation/runtime.ts';
import { DurableInbox } from '../durability/durable-inbox.ts';
import type { InboxJournalOptions } from '../durability/inbox-journal.ts';
import { SentLog } from '../durability/sent-log.ts';
import { fileParkedStore, memoryParkedStore, type ParkedStore } from '../isolation/parked-store.ts';
import type { Logger } from '../logger.ts';
import type { ParsedWebhook } from '../messages/parse-webhook.ts';
import { lowdbStore } from '../store/lowdb-store.ts';
import { monitoredStore } from '../store/monitored-store.ts';
import type { SessionStore } from '../store/session-store.ts';
import { waitForRoom } from './backpressure.ts';
import type { HealthMonitor } from './health.ts';

/** Inbox journal settings a bot can tune (see `InboxJournalOptions`). */
export type JournalSettings = Pick<InboxJournalOptions, 'fsync' | 'groupCommit' | 'commitDelayMs' | 'segmentBytes'>;

/** How a bot keeps acknowledged webhooks until they are processed. */
export interface BotIntake {
  /** Records a batch durably; resolves once it is (the webhook's 200). Absent: nothing is recorded. */
  record?: (raw: Buffer, parsed: ParsedWebhook) => Promise<void>;
  /** Resolves once what the last run left unprocessed is queued: new webhooks wait until then (order). */
  ready: Promise<void>;
  /** The inbox journal, when one is used. */
  inbox?: DurableInbox;
  close(): Promise<void>;
}

/** Where a bot keeps its state, and how its instances coordinate. */
export interface BotStorage {
  /** What `/health` calls it: `lowdb`, `custom` or `redis`. */
  kind: string;
  store: SessionStore;
  parked: ParkedStore;
  sentLog?: SentLog;
  coordination?: Coordination;
  /** Opens the intake once the runtime exists. */
  openIntake(runtime: Runtime, maxBacklog: number): Promise<BotIntake>;
  /** Releases what the storage holds (after the runtime closed). */
  close(): Promise<void>;
}

export interface LocalStorageOptions {
  store?: SessionStore;
  dataDir?: string;
  parked?: ParkedStore;
  journal?: boolean | JournalSettings;
  storeWriteAhead?: boolean;
}

/**
 * One process: the lowdb store under the data folder (or the store given), parked messages beside
 * it, the inbox journal and the sent log.
 */
export async function localStorage(options: LocalStorageOptions, logger: Logger, health: HealthMonitor): Promise<BotStorage> {
  const dataDir = options.dataDir ?? './data';
  const store = monitoredStore(options.store ?? (await defaultStore(dataDir, logger, health, options.storeWriteAhead !== false)), health);
  // Parked messages live beside the contact files; with a custom store, in memory unless given.
  const parked = options.parked ?? (options.store ? memoryParkedStore() : await fileParkedStore(dataDir));
  const journaled = options.journal ?? options.store === undefined;
  const sentLog = journaled === false ? undefined : new SentLog(join(dataDir, 'sent'));
  return {
    kind: options.store ? 'custom' : 'lowdb',
    store,
    parked,
    ...(sentLog ? { sentLog } : {}),
    async openIntake(runtime, maxBacklog) {
      if (journaled === false) return { ready: Promise.resolve(), close: async () => {} };
      const { inbox, pending } = await DurableInbox.open({
        dir: join(dataDir, 'inbox'),
        ...(journaled === true ? {} : journaled),
        process: (parsed) => runtime.dispatch(parsed),
        logger,
        onRecordFailed: (error) => health.failed('inbox', error),
        onRecorded: () => health.recovered('inbox'),
        room: () => waitForRoom(runtime, Math.max(1, Math.floor(maxBacklog / 2))),
      });
      return { record: (raw, parsed) => inbox.accept(raw, parsed), ready: inbox.replay(pending), inbox, close: () => inbox.close() };
    },
    async close() {
      sentLog?.close();
    },
  };
}

/** The default store: lowdb files under `dataDir`, its failures and recoveries reported to `health`. */
function defaultStore(dataDir: string, logger: Logger, health: HealthMonitor, writeAhead: boolean): Promise<SessionStore> {
  return lowdbStore({
    dir: dataDir,
    onCorrupt: (file, quarantinedAs, error) =>
      file.endsWith('.jsonl')
        ? logger.error({ file, quarantinedAs, err: error }, 'damaged index copied aside; rebuilt from the contact records')
        : logger.error({ file, quarantinedAs, err: error }, 'corrupt contact file moved aside; that contact starts over'),
    writeAhead,
    onJournalError: (error) => {
      health.failed('checkpoint', error);
      logger.error({ err: error }, 'journal checkpoint failed: the journal is kept and the checkpoint tried again');
    },
    onJournalRecovered: () => {
      health.recovered('checkpoint');
      logger.info('journal checkpoint succeeded again');
    },
    onQuarantine: (key, quarantinedAs, error) => logger.error({ contact: key, quarantinedAs, err: error }, 'a contact record that cannot be written was quarantined; the other contacts go on'),
  });
}
