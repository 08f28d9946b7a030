import { freePort, startChartbot, waitForHealth, type ChartbotProcess } from '../../test/helpers/chartbot-process.ts';
import { postWebhook } from '../../test/helpers/webhooks.ts';
import { sleep } from './chaos-load.ts';

/** One `chartbot start` process of the cluster, on its own port (its process changes at each restart). */
export interface Instance {
  index: number;
  url: string;
  env: Record<string, string>;
  bot: ChartbotProcess;
  /** False from a kill until the restarted process answers /health. */
  live: boolean;
}

/** Counters the cluster keeps for the report. */
export interface ClusterTally {
  /** Webhook POSTs made, retries included. */
  posts: number;
  /** POSTs answered other than 200 (503 while Redis is down) or not answered (a killed instance). */
  refused: number;
}

/**
 * N `chartbot start` processes (the real CLI, configured from the environment) sharing one Redis,
 * behind a "load balancer" that sends each POST to a random live instance and retries on another
 * until one answers 200, as WhatsApp's gateway retries.
 */
export class ChaosCluster {
  readonly instances: Instance[] = [];
  /** Everything the processes printed, killed ones included (CHAOS_OUTPUT=1 prints it). */
  output = '';

  constructor(
    private readonly rand: () => number,
    private readonly secret: string,
    private readonly deadline: number,
    readonly tally: ClusterTally = { posts: 0, refused: 0 },
  ) {}

  /** Starts `count` instances with `envOf(index)` (plus each its own PORT) and waits until all are healthy. */
  async start(count: number, envOf: (index: number) => Record<string, string>): Promise<void> {
    for (let index = 0; index < count; index++) {
      const port = await freePort();
      const own = { ...envOf(index), PORT: String(port) };
      this.instances.push({ index, url: `http://127.0.0.1:${port}`, env: own, bot: startChartbot(own), live: false });
    }
    await Promise.all(this.instances.map((instance) => this.becomeLive(instance)));
  }

  live(): Instance[] {
    return this.instances.filter((instance) => instance.live);
  }

  pick(): Instance {
    const live = this.live();
    return live[Math.floor(this.rand() * live.length)] ?? this.instances[Math.floor(this.rand() * this.instances.length)]!;
  }

  /** Posts to a random live instance until one answers 200; false if the run's deadline passed. */
  async deliver(body: string): Promise<boolean> {
    let last: Instance | undefined;
    while (Date.now() < this.deadline) {
      const live = this.live().filter((instance) => instance !== last);
      const target = live.length > 0 ? live[Math.floor(this.rand() * live.length)]! : this.pick();
      last = target;
      this.tally.posts++;
      try {
        const status = (await postWebhook(target.url, body, this.secret)).status;
        if (status === 200) return true;
        if (process.env.CHAOS_OUTPUT) this.output += `instance ${target.index}: status ${status}\n`;
      } catch {
        // connection refused or reset: that instance was just killed; try another
      }
      this.tally.refused++;
      await sleep(20);
    }
    return false;
  }

  /** SIGKILLs an instance; resolves with the pid it had (its leases name it). */
  async kill(instance: Instance): Promise<number> {
    instance.live = false;
    const pid = instance.bot.child.pid ?? -1;
    await instance.bot.kill();
    this.output += instance.bot.output();
    return pid;
  }

  /**
   * SIGTERMs an instance, as a rolling deploy does (no new webhooks, work drained, leases
   * released); resolves with its pid, whether it exited 0 within 20 s, and whether its grace
   * period ran out first (work left, e.g. replies paced by the pair rate limit: its leases stay).
   */
  async terminate(instance: Instance): Promise<{ pid: number; clean: boolean; overGrace: boolean }> {
    instance.live = false;
    const pid = instance.bot.child.pid ?? -1;
    instance.bot.child.kill('SIGTERM');
    const code = await Promise.race([instance.bot.exited, sleep(20_000).then(() => 'hung' as const)]);
    await instance.bot.kill();
    this.output += instance.bot.output();
    return { pid, clean: code === 0, overGrace: instance.bot.output().includes('grace period over') };
  }

  /** Starts a killed instance again (same port and settings) and waits until it is healthy. */
  async restart(instance: Instance): Promise<void> {
    instance.bot = startChartbot(instance.env);
    await this.becomeLive(instance);
  }

  /** SIGTERM to every instance: resolves with whether each exited 0 within 20 s. */
  async stop(): Promise<boolean[]> {
    return Promise.all(
      this.instances.map(async (instance) => {
        instance.live = false;
        if (instance.bot.child.exitCode !== null || instance.bot.child.signalCode !== null) return false;
        instance.bot.child.kill('SIGTERM');
        const code = await Promise.race([instance.bot.exited, sleep(20_000).then(() => 'hung' as const)]);
        this.output += instance.bot.output();
        return code === 0;
      }),
    );
  }

  /** SIGKILLs whatever still runs (cleanup after a failure). */
  async destroy(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.bot.kill()));
  }

  private async becomeLive(instance: Instance): Promise<void> {
    await waitForHealth(instance.url, instance.bot);
    instance.live = true;
  }
}
