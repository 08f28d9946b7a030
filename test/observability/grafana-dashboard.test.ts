import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import observedFlow from '../fixtures/flows/observed.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';

interface Panel {
  type: string;
  title: string;
  description?: string;
  targets?: Array<{ expr: string }>;
}

let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('docs/grafana-dashboard.json', () => {
  it('has the panels the issue asks for, each described, querying only metrics a bot exports', async () => {
    const dashboard = JSON.parse(await readFile('docs/grafana-dashboard.json', 'utf8')) as { panels: Panel[]; templating: { list: Array<{ name: string }> } };
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    const titles = panels.map((p) => p.title);
    for (const wanted of ['Messages received by kind', 'Replies by outcome', 'Gateway errors by code', 'Inbound → reply', 'Backlog and timers']) expect(titles).toContain(wanted);
    for (const panel of panels) expect(panel.description, panel.title).toBeTruthy();
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'instance']);

    // The names a real bot exposes (histograms as _bucket, _sum, _count).
    t = await startBotUnderTest({ flows: [toFlow(observedFlow, 'observed.ts')], metrics: true });
    const exposition = await (await fetch(`${t.url}/metrics`)).text();
    const exported = new Set<string>();
    for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(name!);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(name! + suffix);
    }
    const queried = panels.flatMap((p) => (p.targets ?? []).flatMap((target) => [...target.expr.matchAll(/\b((?:chartbot|process|nodejs)_\w+)\b/g)].map(([, name]) => name!)));
    expect(queried.length).toBeGreaterThan(20);
    expect(queried.filter((name) => !exported.has(name))).toEqual([]);
    // The percentiles of the wait users see.
    const latency = panels.find((p) => p.title === 'Inbound → reply');
    expect(latency?.targets?.map((target) => /histogram_quantile\((0\.\d+)/.exec(target.expr)?.[1])).toEqual(['0.5', '0.9', '0.99']);
  });
});
