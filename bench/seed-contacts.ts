/**
 * Puts N contacts "already in the store" before a scaling run: each with the snapshot, history and
 * window a contact has after one real conversation step of the bench flow, written through the
 * production lowdb store (fsync and journal off only to make seeding fast; the bot runs with both on).
 */
import type { EventObject } from 'xstate';
import { runStep } from '../src/conversation/run-step.ts';
import { contactKey, type ContactRecord } from '../src/store/contact-record.ts';
import { lowdbStore } from '../src/store/lowdb-store.ts';
import { makeDurable } from '../src/store/make-durable.ts';
import { BENCH_NUMBER, waIdOf } from './contacts.ts';
import { benchEchoMachine } from './flows/bench-echo.ts';

/** A contact record as the bot leaves it after one message of the bench flow. */
export function benchRecord(waId: string, now = Date.now()): ContactRecord {
  const step = runStep({
    machine: benchEchoMachine,
    snapshot: undefined,
    timers: [],
    event: { type: 'user.text', text: 'hello bot' } as EventObject,
    input: { contact: { waId, name: `User ${waId}` }, businessNumberId: BENCH_NUMBER.phoneNumberId },
    now,
  });
  if (!step.ok) throw new Error(`bench flow failed: ${String(step.error)}`);
  return {
    key: contactKey(BENCH_NUMBER.phoneNumberId, waId),
    businessNumberId: BENCH_NUMBER.phoneNumberId,
    waId,
    flow: 'bench-echo',
    snapshot: step.snapshot,
    timers: [],
    seen: { [`wamid.seed.${waId}`]: now },
    outbound: { [`wamid.out.seed.${waId}`]: { status: 'read', at: now, type: 'text' } },
    lastInboundAt: now,
    updatedAt: now,
  };
}

export async function seedContacts(dir: string, count: number): Promise<void> {
  const store = await lowdbStore({ dir, fsync: false, cacheSize: 1 });
  const template = benchRecord(waIdOf(0));
  const parallel = 64;
  for (let start = 0; start < count; start += parallel) {
    const jobs: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + parallel); i++) {
      const waId = waIdOf(i);
      jobs.push(store.save({ ...template, key: contactKey(BENCH_NUMBER.phoneNumberId, waId), waId }));
    }
    await Promise.all(jobs);
  }
  await store.close();
  // Flush the seeded files now: otherwise the kernel is still writing back up to 100k of them
  // (about 400 MB) while persist cost is measured, and every fdatasync waits behind that.
  await makeDurable([], dir);
}
