import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SentLog } from '../../src/durability/sent-log.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartbot-sent-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const logs = async () => (await readdir(dir)).sort();

describe('sent log', () => {
  it('what was recorded before a crash is known after it, torn last line and all; then it is forgotten', async () => {
    const before = new SentLog(dir);
    before.record('PN:1', 'e1', 'wamid.a');
    before.record('PN:2', 'e9', 'wamid.b');
    // crash: no close, no save
    await writeFile(join(dir, (await logs())[0]!), '{"k":"PN:1","e":"e1","m":"wamid.a"}\n{"k":"PN:2","e":"e9","m":"wamid.b"}\n{"k":"PN:3","e"', { flag: 'w' });
    const after = new SentLog(dir);
    expect(after.sentBefore('PN:1', 'e1')).toBe('wamid.a');
    expect(after.sentBefore('PN:2', 'e9')).toBe('wamid.b');
    expect(after.sentBefore('PN:1', 'e2')).toBeUndefined();
    expect(await logs()).toHaveLength(2); // the old generation and the new one
    after.forgetRecovered();
    expect(after.sentBefore('PN:1', 'e1')).toBeUndefined();
    expect(await logs()).toHaveLength(1);
    before.close();
    after.close();
  });

  it('rotates, and deletes a generation once every save that followed its lines is done (bounded disk)', async () => {
    const log = new SentLog(dir, 100); // about three lines per generation
    const saved = Array.from({ length: 10 }, (_, i) => log.record('PN:1', `e${i}`, `wamid.${i}`));
    expect((await logs()).length).toBeGreaterThan(2);
    for (const done of saved) done();
    expect(await logs()).toHaveLength(1); // only the active generation is left
    log.close();
  });
});
