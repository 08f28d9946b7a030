import { describe, expect, it } from 'vitest';
import { toMermaid } from 'chartbot/testing';
import { supportMachine } from '../../flows/support.ts';
import { runCli } from './run-cli.ts';

describe('chartbot graph', () => {
  it('prints the support flow as a Mermaid state diagram with events, guards, delays, tags and final states', async () => {
    const run = await runCli(['graph', 'flows/support.ts']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('  [*] --> start');
    expect(lines).toContain('  menu --> faq : user.button [event.id==="faq"]');
    expect(lines).toContain('  menu --> reminder : after idle (10m)');
    expect(lines).toContain('  reminder --> closed : after closeAfter (1h)');
    expect(lines).toContain('  handover : tag handover');
    expect(lines).toContain('  closed --> [*]');
    expect(lines).toContain('  note right of start : in any state - user.order → stays');
    // Guard labels come from the guards' source; the CLI (tsx) and vitest must print the same graph.
    expect(run.stdout).toBe(toMermaid(supportMachine));
  });

  it('--format dot prints Graphviz; an unknown format is refused', async () => {
    const dot = await runCli(['graph', 'flows/support.ts', '--format', 'dot']);
    expect(dot.stdout.startsWith('digraph "support" {')).toBe(true);
    expect(dot.stdout).toContain('"closed" [label="closed", shape=doublecircle];');
    expect(dot.stdout).toContain('"menu" -> "faq" [label="user.button [event.id===\\"faq\\"]"];');
    const bad = await runCli(['graph', 'flows/support.ts', '--format', 'png']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("argument 'png' is invalid. Allowed choices are mermaid, dot.");
  });
});
