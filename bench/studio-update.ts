/**
 * `npm run bench:studio`: how long the studio page takes to show an event, for a 40-state flow
 * (target: under 100 ms). A real browser (headless Debian Chromium) types into the composer and
 * presses Enter; the time runs until the diagram marks the new state active. That covers the
 * request, the runtime's step, the view, and the page's redraw of chat, diagram and log.
 * Printed figures, not a test: every run is bounded (a fixed number of events, 60 s at most).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { layoutFlow } from '../src/studio/diagram-layout.ts';
import { startStudioServer } from '../src/studio/server.ts';
import { describeFlow } from '../src/testing/flow-graph.ts';
import forty from './studio-flows/forty-states.ts';
import { summarize } from './stats.ts';

const CHROMIUM = '/usr/bin/chromium';
const FLOW = fileURLToPath(new URL('./studio-flows/forty-states.ts', import.meta.url));
const EVENTS = 64;
const DEADLINE = Date.now() + 60_000;
const TARGET_MS = 100;

if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
const graph = describeFlow(forty.machine);
const layoutStart = performance.now();
await layoutFlow('forty', forty.machine, 0);
const layoutMs = performance.now() - layoutStart;

const project = await mkdtemp(join(tmpdir(), 'chartbot-bench-studio-'));
const server = await startStudioServer({ paths: [FLOW], port: 0, projectDir: project, watch: false });
const profile = await mkdtemp(join(tmpdir(), 'chartbot-bench-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1500, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
await page.goto(server.url);
await page.locator('svg g.state').first().waitFor();

/** The state each "next" leads to: intro → section0.step0 → … → section3.step7 → closed, then over again. */
const order = ['section0.step0'];
for (let i = 0; i < 4; i++) for (let s = 0; s < 8; s++) if (i > 0 || s > 0) order.push(`section${i}.step${s}`);
order.push('closed');

/**
 * Runs in the page once "next" is typed: presses Enter (submits the composer) and resolves with the
 * milliseconds until the diagram marks \`path\` active. A string, as the page's code is not Node's.
 */
const MEASURE = `async (path) => {
  const input = document.querySelector('input[aria-label="Message"]');
  // The text was typed before; two frames later the page has surely rendered it.
  for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
  const selector = 'g.state[data-path="' + path + '"][aria-current="true"]';
  const start = performance.now();
  const shown = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (document.querySelector(selector)) {
        observer.disconnect();
        resolve(performance.now());
      }
    });
    observer.observe(document.body, { subtree: true, attributes: true, childList: true });
  });
  input.form.requestSubmit();
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no update within 5 s for ' + path)), 5000));
  return (await Promise.race([shown, timeout])) - start;
}`;

const samples: number[] = [];
for (let i = 0; i < EVENTS && Date.now() < DEADLINE; i++) {
  const expected = order[i % order.length] as string;
  // After the final state the next message starts over in intro: one message to get out of it.
  if (i > 0 && i % order.length === 0) await page.getByRole('textbox', { name: 'Message' }).fill('x'), await page.keyboard.press('Enter');
  await page.getByRole('textbox', { name: 'Message' }).fill('next');
  const ms = await page.evaluate<number>(`(${MEASURE})(${JSON.stringify(expected)})`);
  samples.push(ms);
}

await browser.close();
await server.close();
await rm(profile, { recursive: true, force: true });
await rm(project, { recursive: true, force: true });

const summary = summarize(samples);
const lines = [
  `studio page update after an event (flow of ${graph.states.length} states, ${graph.transitions.length} transitions; ${summary.count} events)`,
  `  p50 ${summary.p50} ms, p99 ${summary.p99} ms, max ${summary.max} ms (target < ${TARGET_MS} ms): ${summary.p99 < TARGET_MS ? 'met' : 'NOT met'}`,
  `  diagram layout (elkjs, once per flow version, on the server): ${layoutMs.toFixed(0)} ms`,
];
process.stdout.write(lines.join('\n') + '\n');
