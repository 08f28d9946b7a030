import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * `npm run docs` builds the API reference from the TSDoc comments of the public API (src/index.ts,
 * src/testing/index.ts). typedoc.json treats warnings as errors: an undocumented export, a broken
 * {@link} or a public type that is not exported fails it. Here it validates without writing pages.
 */
describe('the API reference (npm run docs)', () => {
  it('documents every public export, with no warning', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['node_modules/typedoc/bin/typedoc', '--emit', 'none'], { timeout: 90_000 });
    expect(`${stdout}${stderr}`).not.toMatch(/\[warning\]|\[error\]/);
  }, 120_000);
});
