import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { expectTranscript } from 'chartbot/testing';

const dir = 'test/flows/shop';
const files = (await readdir(dir)).filter((f) => f.endsWith('.transcript')).sort();

describe('shop flow transcripts', () => {
  it('there are shop transcripts', () => {
    expect(files).toEqual(['shop-order.transcript', 'shop-small-order.transcript']);
  });
  for (const file of files) {
    it(file, async () => {
      await expectTranscript(`${dir}/${file}`);
    });
  }
});
