import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lowdbStore } from '../../src/store/lowdb-store.ts';
import { freePort, startChartbot, waitForHealth, type ChartbotProcess } from '../../test/helpers/chartbot-process.ts';
import { startMockProvider } from '../../test/helpers/mock-provider.ts';
import { BUSINESS, postWebhook } from '../../test/helpers/webhooks.ts';
import { chaosContacts, random, runLoad, sleep, type LoadShape } from './chaos-load.ts';
import { awaitReplies, ledgerFigures, type ChaosFigures, type LedgerContext } from './chaos-outcome.ts';

export interface ChaosOptions extends LoadShape {
  /** SIGKILLs to deliver. */
  kills: number;
  /** Each kill comes after a random uptime in this range (ms after the bot answered /health). */
  killAfterMs: [number, number];
  /** Seed of the random choices (kill moments, batch shapes, duplicates). */
  seed: number;
  /** Hard limit for the whole run. */
  maxDurationMs: number;
  /** Progress lines (optional). */
  log?: (line: string) => void;
}

// WhatsApp's pair rate limit lets one recipient get a burst of 20 messages, then one per 6 s; the
// delivery layer paces replies accordingly, so each contact writes fewer than 20 messages and the
// load comes from many contacts. The quick mode runs a moderate load on a warmed-up process; the
// long mode saturates the CPU and also kills during the first busy moments after a start, when
// replies in flight wait longest to be read, so a kill repeats more of them (see docs/reliability.md).
export const QUICK: ChaosOptions = { contacts: 40, minMessages: 8, maxMessages: 18, kills: 6, killAfterMs: [800, 1600], pauseMs: [40, 120], duplicateRate: 0.15, seed: 1, maxDurationMs: 50_000 };
export const LONG: ChaosOptions = { contacts: 400, minMessages: 10, maxMessages: 19, kills: 40, killAfterMs: [150, 2000], pauseMs: [5, 25], duplicateRate: 0.15, seed: 7, maxDurationMs: 280_000 };

export interface ChaosReport extends ChaosFigures {
  /** Most copies of one reply that reached the mock. */
  mostCopiesOfOneReply: number;
  /** Whether the final SIGTERM ended the process with exit code 0. */
  cleanExit: boolean;
  /** Journal segments left after the clean stop (0: everything acknowledged was processed). */
  journalSegmentsLeft: number;
  /** Files moved aside as corrupt during the run (torn writes must never produce any). */
  quarantined: number;
  /** Torn journal tails skipped at a start (possible after kills mid-append). */
  tornTailsSkipped: number;
  /** Temp files of contact writes interrupted by a kill (harmless: the rename never happened). */
  tempFilesLeft: number;
  durationMs: number;
}

export const flowsDir = fileURLToPath(new URL('./flows', import.meta.url));

async function filesNamed(dir: string, test: (name: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (entry.isFile() && test(entry.name)) found.push(entry.name);
  return found;
}

/**
 * Runs a real `chartbot start` process against a mock provider on loopback, sends signed batches
 * for many contacts (with re-deliveries), SIGKILLs and restarts the process at random moments, then
 * stops it cleanly and checks from the stored state and the mock what was processed and sent.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const deadline = started + options.maxDurationMs;
  const log = options.log ?? (() => {});
  const rand = random(options.seed);
  const secret = 'chaos-secret';
  const mock = await startMockProvider();
  const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-chaos-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PORT: String(port),
    WHATSAPP_PROVIDER: 'cloud',
    WHATSAPP_TOKEN: 'chaos-token',
    WHATSAPP_API_URL: `${mock.url}/v23.0`,
    WHATSAPP_APP_SECRET: secret,
    CHARTBOT_DATA_DIR: dataDir,
    FLOWS_DIR: flowsDir,
    CHARTBOT_MARK_READ: 'false',
    CHARTBOT_THROUGHPUT_MPS: '1000', // the limiter is not under test here
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
  };
  let output = '';
  let bot: ChartbotProcess = startChartbot(env);
  const report: ChaosReport = {
    messagesSent: 0, posts: 0, redeliveries: 0, processed: 0, lost: 0, processedTwice: 0, outOfOrder: 0,
    repliesExpected: 0, repliesMissing: 0, duplicateReplies: 0, mostCopiesOfOneReply: 0, timersLost: 0, timersFiredTwice: 0, kills: 0, cleanExit: false,
    journalSegmentsLeft: 0, quarantined: 0, tornTailsSkipped: 0, tempFilesLeft: 0, durationMs: 0,
  };
  try {
    await waitForHealth(url, bot);
    const contacts = chaosContacts(options.contacts);
    let killerDone = options.kills === 0;

    /** Posts until the bot answers 200, as a gateway retries; false if the run's deadline passed. */
    const deliver = async (body: string): Promise<boolean> => {
      while (Date.now() < deadline) {
        report.posts++;
        try {
          const status = (await postWebhook(url, body, secret)).status;
          if (status === 200) return true;
          if (process.env.CHAOS_OUTPUT) log(`status ${status}`);
        } catch (error) {
          if (process.env.CHAOS_OUTPUT) log(`error ${String((error as Error).cause ?? error)}`);
          // connection refused or reset: the bot is down (killed); retry like a gateway
        }
        await sleep(20);
      }
      return false;
    };

    const killAndRestart = async (downMs: number) => {
      bot.child.kill('SIGKILL');
      await bot.exited;
      report.kills++;
      output += bot.output();
      await sleep(downMs);
      bot = startChartbot(env);
      await waitForHealth(url, bot);
      log(`kill ${report.kills}: restarted`);
    };
    // All kills but the last land at random moments of the load.
    const killer = async () => {
      for (let k = 0; k < options.kills - 1 && Date.now() < deadline - 10_000; k++) {
        const [min, max] = options.killAfterMs;
        await sleep(min + rand() * (max - min));
        await killAndRestart(0);
      }
      killerDone = true;
    };

    const [sent] = await Promise.all([runLoad(options, contacts, rand, deliver, () => !killerDone, deadline, report), killer()]);
    log(`load done: ${report.messagesSent} messages in ${report.posts} posts`);
    // The last kill comes right after the load, while the timers armed by the last messages are
    // pending; the bot stays down until they are overdue, so they must fire from the stored state.
    if (options.kills > 0) await killAndRestart(400);

    // Every acknowledged message leads to one reply, and each contact's last message arms a timer
    // whose reply must come (once the bot is back): wait until they have all arrived (or the deadline).
    const replies = await awaitReplies(() => mock.sends(), sent, deadline);
    report.repliesExpected = replies.repliesExpected;
    report.repliesMissing = replies.repliesMissing;
    report.timersLost = replies.lastTicksMissing;
    report.timersFiredTwice = replies.lastTicksSentTwice;
    report.duplicateReplies = replies.duplicateReplies;
    report.mostCopiesOfOneReply = replies.mostCopiesOfOneReply;

    if (process.env.CHAOS_OUTPUT) {
      log(`health ${await (await fetch(`${url}/health`)).text()}`);
    }
    bot.child.kill('SIGTERM');
    const stopped = await Promise.race([bot.exited, sleep(20_000).then(() => 'hung' as const)]);
    report.cleanExit = stopped === 0;
    output += bot.output();

    // What each machine saw, from the stored state.
    const store = await lowdbStore({ dir: dataDir, onCorrupt: () => report.quarantined++ });
    const contexts = new Map<string, LedgerContext | undefined>();
    for (const c of contacts) {
      const record = await store.load(`${BUSINESS.phoneNumberId}:${c}`);
      if (process.env.CHAOS_OUTPUT && record?.outbox) log(`${c}: sent ${sent.get(c)} ledger ${JSON.stringify((record?.snapshot as { context?: unknown })?.context)} outbox ${JSON.stringify(record?.outbox)}`);
      contexts.set(c, (record?.snapshot as { context?: LedgerContext } | undefined)?.context);
    }
    const ledgers = ledgerFigures(contexts, sent);
    Object.assign(report, { processed: ledgers.processed, lost: ledgers.lost, processedTwice: ledgers.processedTwice, outOfOrder: ledgers.outOfOrder });
    await store.close();
    report.journalSegmentsLeft = (await filesNamed(join(dataDir, 'inbox'), (n) => n.endsWith('.journal'))).length;
    report.quarantined += (await filesNamed(dataDir, (n) => n.includes('.corrupt-'))).length;
    report.tempFilesLeft = (await filesNamed(join(dataDir, 'contacts'), (n) => n.endsWith('.tmp'))).length;
    report.tornTailsSkipped = output.split('torn record at the end').length - 1;
    if (process.env.CHAOS_OUTPUT) log(output);
  } finally {
    if (bot.child.exitCode === null && bot.child.signalCode === null) {
      bot.child.kill('SIGKILL');
      await bot.exited;
    }
    await mock.close();
    await rm(dataDir, { recursive: true, force: true });
    report.durationMs = Date.now() - started;
  }
  return report;
}

/** The figures as printed by `npm run chaos`. */
export function formatReport(report: ChaosReport): string {
  return [
    `messages sent       ${report.messagesSent} (in ${report.posts} POSTs, ${report.redeliveries} deliberate re-deliveries)`,
    `processed           ${report.processed}`,
    `lost                ${report.lost}`,
    `processed twice     ${report.processedTwice}`,
    `out of order        ${report.outOfOrder} contacts`,
    `replies expected    ${report.repliesExpected}, missing ${report.repliesMissing}`,
    `replies duplicated  ${report.duplicateReplies} (${(report.duplicateReplies / Math.max(1, report.kills)).toFixed(1)} per kill; most copies of one reply: ${report.mostCopiesOfOneReply}; window: sends in flight at a kill)`,
    `timers lost         ${report.timersLost}, fired twice ${report.timersFiredTwice} (each contact's last message arms one; the last kill lands while they are pending)`,
    `kills survived      ${report.kills} (SIGKILL), then SIGTERM: ${report.cleanExit ? 'exit 0' : 'NOT a clean exit'}`,
    `journal left        ${report.journalSegmentsLeft} segments; torn tails skipped ${report.tornTailsSkipped}; files quarantined ${report.quarantined}; interrupted temp files ${report.tempFilesLeft}`,
    `duration            ${(report.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

/**
 * The pass criteria: nothing lost, nothing processed twice, order held, every reply sent, a clean
 * final stop with the journal drained, nothing quarantined. Repeated replies must stay within the
 * stated window: a kill repeats at most the replies in flight, and each contact has at most one in
 * flight, so at most one per contact per kill.
 */
export function chaosPassed(report: ChaosReport, contacts: number): boolean {
  return (
    report.lost === 0 &&
    report.processedTwice === 0 &&
    report.outOfOrder === 0 &&
    report.repliesMissing === 0 &&
    report.timersLost === 0 &&
    report.duplicateReplies <= report.kills * contacts &&
    report.mostCopiesOfOneReply <= 1 + report.kills &&
    report.cleanExit &&
    report.journalSegmentsLeft === 0 &&
    report.quarantined === 0
  );
}
