import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config.ts';

interface Deployment {
  spec: {
    replicas: number;
    template: { spec: { containers: Array<{ ports: Array<{ containerPort: number }>; env: Array<{ name: string }>; readinessProbe: { httpGet: { path: string; port: number } } }> } };
  };
}

describe('the README\'s Kubernetes Deployment', () => {
  it('runs 3 replicas with a readiness probe on /health, and sets only variables chartbot reads', async () => {
    const readme = await readFile('README.md', 'utf8');
    const [, yaml] = /## Running several instances[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme) ?? [];
    const deployment = parse(yaml!) as Deployment;
    expect(deployment.spec.replicas).toBe(3);
    const [container] = deployment.spec.template.spec.containers;
    expect(container?.readinessProbe.httpGet).toEqual({ path: '/health', port: container?.ports[0]?.containerPort });
    const names = container!.env.map((variable) => variable.name);
    expect(names).toContain('CHARTBOT_REDIS_URL');
    for (const name of names) expect(Object.keys(configSchema.shape), name).toContain(name);
  });
});
