/**
 * Who the benchmark talks as. Contacts are numbered; the number is the WhatsApp id (so the mock
 * provider can tell whose reply it got), and the inbound message id carries the contact and the
 * monotonic send time, so the mock can measure inbound → reply latency without any shared state.
 */
export const BENCH_NUMBER = { phoneNumberId: '106540352242922', display: '15550783881' };
export const BENCH_SECRET = 'bench-app-secret';

const FIRST_WA_ID = 491_700_000_000;

export function waIdOf(index: number): string {
  return String(FIRST_WA_ID + index);
}

/** `wamid.bench.<waId>.<sequence>.<send time in ns, CLOCK_MONOTONIC: the same clock in every process>`. */
export function benchMessageId(waId: string, sequence: number, sentAtNs: bigint): string {
  return `wamid.bench.${waId}.${sequence}.${sentAtNs}`;
}

/** Reads back what `benchMessageId` encoded; undefined for any other id. */
export function parseBenchMessageId(id: string): { waId: string; sentAtNs: bigint } | undefined {
  const parts = id.split('.');
  if (parts.length !== 5 || parts[1] !== 'bench') return undefined;
  return { waId: parts[2] as string, sentAtNs: BigInt(parts[4] as string) };
}
