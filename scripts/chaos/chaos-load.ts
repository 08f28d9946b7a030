import { envelope } from '../../test/helpers/webhooks.ts';

/** The shape of the load both chaos tests send (one process on lowdb, several on Redis). */
export interface LoadShape {
  /** Contacts writing at the same time. */
  contacts: number;
  /** Each contact sends at least this many messages (more while kills are still due). */
  minMessages: number;
  /** Each contact sends at most this many messages (bounds the run). */
  maxMessages: number;
  /** Each load worker pauses this long (random in range, ms) between batches. */
  pauseMs: [number, number];
  /** Share of acknowledged batches the "gateway" delivers again. */
  duplicateRate: number;
}

/** What the load did: distinct messages and deliberate re-deliveries. */
export interface LoadTally {
  messagesSent: number;
  redeliveries: number;
}

/** A small deterministic generator (mulberry32), so a failing run can be repeated with its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The chaos contacts' WhatsApp ids. */
export function chaosContacts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `4917${String(i).padStart(6, '0')}`);
}

/** The message ids and texts of contact `c`'s message number `n` (the ledger flow records the text). */
export const chaosText = (n: number) => `m${n}`;

/**
 * Sends the load: 8 workers, each writing for its share of the contacts in batches of a few
 * contacts with one or two next messages each (as a real webhook batches), some batches delivered
 * twice. `deliver` posts until acknowledged (false: the run's deadline passed). Contacts write up to
 * `maxMessages` while `busy()` (kills still due), then stop at `minMessages`.
 * Resolves with how many messages each contact sent.
 */
export async function runLoad(shape: LoadShape, contacts: string[], rand: () => number, deliver: (body: string) => Promise<boolean>, busy: () => boolean, deadline: number, tally: LoadTally): Promise<Map<string, number>> {
  const sent = new Map<string, number>(contacts.map((c) => [c, 0]));
  const wants = (c: string) => (sent.get(c) ?? 0) < (busy() ? shape.maxMessages : shape.minMessages);
  const worker = async (mine: string[]) => {
    for (;;) {
      const open = mine.filter(wants);
      if (open.length === 0 || Date.now() >= deadline) return;
      const chosen = open.filter(() => rand() < 0.6).slice(0, 3);
      const messages = (chosen.length ? chosen : [open[0]!]).flatMap((c) => {
        const count = rand() < 0.3 ? 2 : 1;
        const first = sent.get(c) ?? 0;
        sent.set(c, first + count);
        return Array.from({ length: count }, (_, k) => ({ from: c, id: `wamid.chaos.${c}.${first + k}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: chaosText(first + k) } }));
      });
      tally.messagesSent += messages.length;
      const body = JSON.stringify(envelope({ messages }));
      if (!(await deliver(body))) return;
      if (rand() < shape.duplicateRate) {
        tally.redeliveries++;
        await deliver(body);
      }
      await sleep(shape.pauseMs[0] + rand() * (shape.pauseMs[1] - shape.pauseMs[0]));
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, contacts.length) }, (_, w) => worker(contacts.filter((_, i) => i % 8 === w))));
  return sent;
}
