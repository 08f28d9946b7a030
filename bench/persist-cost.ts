/**
 * What persisting one contact's change costs with N contacts in the store: load a random existing
 * contact, change it, save it (the production lowdb store: a journal line, fdatasync'd), one after another.
 */
import { contactKey } from '../src/store/contact-record.ts';
import { lowdbStore } from '../src/store/lowdb-store.ts';
import { BENCH_NUMBER, waIdOf } from './contacts.ts';
import { round, summarize } from './stats.ts';

export interface PersistCost {
  contacts: number;
  saves: number;
  /** Milliseconds per load + change + save. */
  p50Ms: number;
  meanMs: number;
}

export async function measurePersistCost(dir: string, contacts: number, saves: number): Promise<PersistCost> {
  const store = await lowdbStore({ dir });
  const samples: number[] = [];
  for (let i = 0; i < saves; i++) {
    const key = contactKey(BENCH_NUMBER.phoneNumberId, waIdOf(Math.floor(Math.random() * contacts)));
    const started = performance.now();
    const record = await store.load(key);
    if (!record) throw new Error(`seeded contact ${key} is missing`);
    record.updatedAt = Date.now();
    await store.save(record);
    samples.push(performance.now() - started);
  }
  await store.close();
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { contacts, saves, p50Ms: summarize(samples).p50, meanMs: round(mean, 3) };
}
