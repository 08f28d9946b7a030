import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { expectTranscript } from 'chartbot/testing';

const dir = 'test/transcripts';
const files = (await readdir(dir)).filter((f) => f.endsWith('.transcript')).sort();

describe('support flow transcripts (one call each)', () => {
  it('there are example transcripts', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });
  for (const file of files) {
    it(file, async () => {
      await expectTranscript(`${dir}/${file}`);
    });
  }
});
