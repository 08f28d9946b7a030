import { join } from 'node:path';
import { mkdirPrivate } from '../store/private-files.ts';
import type { UserEvent } from '../messages/inbound-events.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import { AtomicJsonFile } from '../store/atomic-json-file.ts';

/** What every parked entry carries. */
interface ParkedBase {
  /** Contact key `{businessNumberId}:{waId}`. */
  key: string;
  businessNumberId: string;
  waId: string;
  /** What went wrong (error name and message, or the gateway's code and title). */
  error: string;
  /** When it was first parked and last attempted, epoch ms. */
  parkedAt: number;
  lastAttemptAt: number;
  /** Attempts that failed so far. */
  attempts: number;
}

/** An inbound message whose flow failed (threw, looped, or timed out on a service), kept for a retry. */
export interface ParkedInbound extends ParkedBase {
  /** Absent in entries written before replies could be parked. */
  kind?: 'inbound';
  /** The inbound message id (`wamid…`); also the id of the parked entry. */
  id: string;
  flow: string;
  /** The event as the machine received it. */
  event: UserEvent;
}

/** A reply given up after retries (a long gateway outage), kept to be sent again on request. */
export interface ParkedReply extends ParkedBase {
  kind: 'reply';
  /** The outbox entry's id. */
  id: string;
  message: OutboundMessage;
  /** When the flow decided it, epoch ms. */
  decidedAt: number;
  /** The gateway's last error. */
  code: number;
}

/** A message kept for `POST /api/parked/{id}/retry`: an inbound message whose flow failed, or a reply never delivered. */
export type ParkedMessage = ParkedInbound | ParkedReply;

/**
 * Where parked messages are kept. Parking is rare, so the file version keeps them all in one
 * small document (atomic rewrite per change) and serves reads from memory.
 */
export interface ParkedStore {
  /** Every parked message, oldest first. */
  list(): Promise<ParkedMessage[]>;
  /** One parked message, or undefined. */
  get(id: string): Promise<ParkedMessage | undefined>;
  /** Parks a message (or updates it after a failed retry). */
  put(message: ParkedMessage): Promise<void>;
  /** Forgets a parked message (after a successful retry). */
  remove(id: string): Promise<void>;
}

/** Parked messages in memory (tests, and bots embedded with their own `SessionStore`). */
export function memoryParkedStore(): ParkedStore {
  const parked = new Map<string, ParkedMessage>();
  const copy = (m: ParkedMessage): ParkedMessage => structuredClone(m);
  return {
    list: async () => [...parked.values()].map(copy),
    get: async (id) => {
      const m = parked.get(id);
      return m && copy(m);
    },
    put: async (m) => void parked.set(m.id, copy(m)),
    remove: async (id) => void parked.delete(id),
  };
}

/** Parked messages in `<dir>/parked.json`, written atomically (temp file + fsync + rename). */
export async function fileParkedStore(
  dir: string,
  onCorrupt?: (file: string, quarantinedAs: string, error: unknown) => void,
): Promise<ParkedStore> {
  await mkdirPrivate(dir);
  const file = new AtomicJsonFile<ParkedMessage[]>(join(dir, 'parked.json'), { fsync: true, ...(onCorrupt ? { onCorrupt } : {}) });
  const memory = memoryParkedStore();
  for (const m of (await file.read()) ?? []) await memory.put(m);
  // Writes are chained so two changes never race on the file.
  let writing: Promise<void> = Promise.resolve();
  const persist = (): Promise<void> => {
    writing = writing.catch(() => undefined).then(async () => file.write(await memory.list()));
    return writing;
  };
  return {
    list: memory.list,
    get: memory.get,
    put: async (m) => {
      await memory.put(m);
      await persist();
    },
    remove: async (id) => {
      await memory.remove(id);
      await persist();
    },
  };
}
