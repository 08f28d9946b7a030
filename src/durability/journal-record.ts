import { crc32 } from 'node:zlib';

/**
 * The inbox journal's on-disk framing. Every record is a 20-byte header followed by its payload:
 *
 * | bytes | field |
 * | --- | --- |
 * | 0–3 | magic `CBJ1` |
 * | 4 | kind: 1 = batch (payload: the webhook body as received), 2 = done (no payload) |
 * | 5–10 | sequence number (48-bit, big-endian) |
 * | 11–14 | payload length |
 * | 15–18 | CRC-32 of bytes 4–14 and the payload |
 * | 19 | reserved (0) |
 *
 * Binary framing rather than JSON lines because webhook bodies may contain newlines, and the CRC
 * tells a record torn by a crash mid-append from a whole one.
 */
export const HEADER_BYTES = 20;
const MAGIC = 0x43424a31; // 'CBJ1'

export type JournalRecordKind = 'batch' | 'done';

export interface JournalRecord {
  kind: JournalRecordKind;
  seq: number;
  payload: Buffer;
}

const kindCode: Record<JournalRecordKind, number> = { batch: 1, done: 2 };

export function encodeRecord(kind: JournalRecordKind, seq: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const frame = Buffer.alloc(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(MAGIC, 0);
  frame.writeUInt8(kindCode[kind], 4);
  frame.writeUIntBE(seq, 5, 6);
  frame.writeUInt32BE(payload.length, 11);
  payload.copy(frame, HEADER_BYTES);
  frame.writeUInt32BE(checksum(frame, payload), 15);
  return frame;
}

function checksum(frame: Buffer, payload: Buffer): number {
  return crc32(payload, crc32(frame.subarray(4, 15)));
}

/** Where and why reading a segment stopped before its end. */
export interface DecodeProblem {
  offset: number;
  /** `torn`: the last record is incomplete or fails its CRC (a crash mid-append). `corrupt`: bad data before the end. */
  kind: 'torn' | 'corrupt';
  reason: string;
}

/** Reads every whole record of a segment; stops at the first bad one and says why. */
export function decodeRecords(data: Buffer): { records: JournalRecord[]; problem?: DecodeProblem } {
  const records: JournalRecord[] = [];
  let offset = 0;
  while (offset < data.length) {
    const remaining = data.length - offset;
    if (remaining < HEADER_BYTES) return { records, problem: { offset, kind: 'torn', reason: `incomplete header (${remaining} bytes)` } };
    const header = data.subarray(offset, offset + HEADER_BYTES);
    if (header.readUInt32BE(0) !== MAGIC) return { records, problem: { offset, kind: 'corrupt', reason: 'bad magic number' } };
    const code = header.readUInt8(4);
    const length = header.readUInt32BE(11);
    const end = offset + HEADER_BYTES + length;
    if (end > data.length) return { records, problem: { offset, kind: 'torn', reason: `payload cut short (${data.length - offset - HEADER_BYTES} of ${length} bytes)` } };
    const payload = data.subarray(offset + HEADER_BYTES, end);
    const kind: JournalRecordKind | undefined = code === 1 ? 'batch' : code === 2 ? 'done' : undefined;
    if (header.readUInt32BE(15) !== checksum(header, payload) || kind === undefined) {
      // A bad last record is a torn append; a bad record with whole records after it is corruption.
      return { records, problem: { offset, kind: end === data.length ? 'torn' : 'corrupt', reason: 'checksum mismatch' } };
    }
    records.push({ kind, seq: header.readUIntBE(5, 6), payload: Buffer.from(payload) });
    offset = end;
  }
  return { records };
}
