import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Polls until the page shows it (10 s at most: a loaded machine may be slow; a passing check returns at once). */
export const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000, interval: 25 });

export const CHROMIUM = '/usr/bin/chromium';

const DOCS = fileURLToPath(new URL('../../../docs/', import.meta.url));

/** A page of the studio, with what went wrong in it: console errors, page errors, requests leaving 127.0.0.1. */
export interface StudioPage {
  page: Page;
  problems: string[];
  external: string[];
}

export interface StudioBrowser {
  open(url: string): Promise<StudioPage>;
  /**
   * A screenshot for the docs: written to docs/ with UPDATE_SCREENSHOTS=1 (they are committed),
   * else beside the browser profile, so that a test run leaves the work tree as it was.
   */
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** Headless Debian Chromium (one per test file) with a fresh profile and no network of its own. */
export async function launchBrowser(): Promise<StudioBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with "apt-get install -y chromium" (.ci/run does)`);
  const profile = await mkdtemp(join(tmpdir(), 'chartbot-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1500, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    async open(url) {
      const problems: string[] = [];
      const external: string[] = [];
      // Every request must stay on 127.0.0.1: the page works offline.
      await context.route('**/*', async (route) => {
        const target = new URL(route.request().url());
        if (target.protocol === 'data:' || target.hostname === '127.0.0.1') return route.continue();
        external.push(target.href);
        return route.abort();
      });
      const page = await context.newPage();
      page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await page.goto(url);
      return { page, problems, external };
    },
    async screenshot(page, name) {
      const path = process.env.UPDATE_SCREENSHOTS === '1' ? join(DOCS, name) : join(profile, name);
      await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
