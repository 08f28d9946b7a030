import { fileURLToPath } from 'node:url';

/**
 * A flows folder with only the example support flow in it (test/fixtures/support-flow). Tests that
 * start a bot from a folder use it instead of the repository's `flows/`, which belongs to the user:
 * a flow added there must not change what the framework's tests see.
 */
export const SUPPORT_FLOW_DIR = fileURLToPath(new URL('../fixtures/support-flow', import.meta.url));

/** The example flow's own file, for tests of the example. */
export const SUPPORT_FLOW_FILE = fileURLToPath(new URL('../../flows/support.ts', import.meta.url));
