import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT = /^journal-(\d+)\.jsonl$/;

/** The file of one segment of the contact journal (src/store/contact-journal.ts). */
export function segmentPath(dir: string, segment: number): string {
  return join(dir, `journal-${segment}.jsonl`);
}

/**
 * The segments an earlier run left in `dir`, oldest first, and the last record of each key in
 * them. A torn last line was never acknowledged and is skipped.
 */
export async function readSegments(dir: string): Promise<{ segments: number[]; recovered: Map<string, string> }> {
  const segments = (await readdir(dir))
    .map((name) => SEGMENT.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
  const recovered = new Map<string, string>();
  for (const segment of segments) {
    for (const line of (await readFile(segmentPath(dir, segment), 'utf8')).split('\n')) {
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      try {
        const key = JSON.parse(line.slice(0, tab)) as string;
        const json = line.slice(tab + 1);
        JSON.parse(json);
        recovered.set(key, json);
      } catch {
        // a line torn by a crash mid-append: its save was never acknowledged
      }
    }
  }
  return { segments, recovered };
}
