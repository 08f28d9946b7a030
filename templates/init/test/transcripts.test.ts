import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import { expectTranscript } from 'chartbot/testing';

// A whole conversation as plain text; on a mismatch the test fails with a diff of the conversation.
it('Anna asks for the opening hours, then for a person', async () => {
  await expectTranscript(fileURLToPath(new URL('./support.transcript', import.meta.url)));
});
