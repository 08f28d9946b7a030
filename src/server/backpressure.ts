import type { Runtime } from '../conversation/runtime.ts';

/** How often a waiting replay looks at the backlog again. */
const POLL_MS = 20;

/**
 * Resolves once the runtime's backlog is below `limit`. Used by the replay at start so that a long
 * unprocessed journal is queued as room frees up instead of all at once (90,000 jobs held 764 MiB).
 */
export async function waitForRoom(runtime: Runtime, limit: number): Promise<void> {
  while (runtime.backlog >= limit && !runtime.isClosed) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
