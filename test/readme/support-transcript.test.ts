import { it } from 'vitest';
import { expectTranscript } from 'chartbot/testing';

it('Anna asks about shipping (transcript)', async () => {
  await expectTranscript('test/transcripts/support-faq.transcript'); // throws with a diff on mismatch
});
