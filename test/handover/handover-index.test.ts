import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lowdbStore } from '../../src/store/lowdb-store.ts';
import { memoryStore } from '../../src/store/memory-store.ts';
import { emptyRecord, type ContactRecord } from '../../src/store/contact-record.ts';
import type { HandoverNotification } from '../../src/handover/handover-record.ts';
import { tempDirForFile } from '../helpers/temp-dir.ts';

const temp = tempDirForFile('chartbot-handover-index-');

const inHandover = (wa: string): ContactRecord => ({ ...emptyRecord('PN', wa), handover: { since: 1000, state: 'handover', lastMessageAt: 1000, agents: [] } });
const notifying = (wa: string): ContactRecord => {
  const notification: HandoverNotification = { type: 'handover.ended', id: 'n1', businessNumberId: 'PN', waId: wa, at: 2000, since: 1000, reason: 'agent.resolved' };
  return { ...emptyRecord('PN', wa), agentOutbox: [{ id: 'n1', sink: 'webhook', notification }] };
};

describe('the store finds contacts in a hand-over (or with notifications pending) without reading every record', () => {
  for (const writeAhead of [true, false]) {
    it(`lowdb (write-ahead ${writeAhead}): indexed on save, kept across a reopen, rebuilt when the index is lost`, async () => {
      const dir = join(temp.path(), `wa-${writeAhead}`);
      let store = await lowdbStore({ dir, writeAhead });
      await store.save(inHandover('1'));
      await store.save(notifying('2'));
      await store.save(emptyRecord('PN', '3'));
      expect((await store.handoverContacts!()).sort()).toEqual(['PN:1', 'PN:2']);
      await store.save({ ...inHandover('1'), handover: undefined } as ContactRecord); // the hand-over ended
      expect(await store.handoverContacts!()).toEqual(['PN:2']);
      await store.close();

      store = await lowdbStore({ dir, writeAhead });
      expect(await store.handoverContacts!()).toEqual(['PN:2']);
      await store.close();
      await rm(join(dir, 'handovers.jsonl'));
      store = await lowdbStore({ dir, writeAhead });
      expect(await store.handoverContacts!()).toEqual(['PN:2']);
      await store.close();
    });
  }

  it('memory store', async () => {
    const store = memoryStore();
    await store.save(inHandover('1'));
    await store.save(emptyRecord('PN', '3'));
    expect(await store.handoverContacts!()).toEqual(['PN:1']);
  });
});
