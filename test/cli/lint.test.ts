import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const fixture = (name: string) => `test/lint/fixtures/${name}.ts`;

describe('chartbot lint', () => {
  it('lints FLOWS_DIR (default ./flows): the support flow is clean, exit 0', async () => {
    const run = await runCli(['lint']);
    expect(run.stderr).toBe('');
    // Whatever flows the project holds (the examples, or a user's own), they must lint clean.
    expect(run.stdout).toMatch(/^✔ no problems in \d+ flow files?\n$/);
    expect(run.code).toBe(0);
  });

  it('prints one ESLint-like line per finding (file, state, severity, rule, message) and a summary; errors exit 1', async () => {
    const run = await runCli(['lint', fixture('dead-end'), fixture('silent-state'), fixture('dead-end-near-miss')]);
    const lines = run.stdout.trimEnd().split('\n');
    const columns = lines.slice(0, 2).map((line) => line.split(/ {2,}/));
    expect(columns.map((c) => c.slice(0, 4))).toEqual([
      ['test/lint/fixtures/dead-end.ts', 'waiting', 'error', 'dead-end'],
      ['test/lint/fixtures/silent-state.ts', 'ask', 'warning', 'silent-state'],
    ]);
    expect(columns[0]?.[4]).toMatch(/^nothing happens in this state/);
    expect(columns[1]?.[4]).toMatch(/^waits for the user/);
    // Columns are aligned.
    expect(lines[0]?.indexOf('waiting')).toBe(lines[1]?.indexOf('ask'));
    expect(lines[0]?.indexOf('dead-end  ')).toBe(lines[1]?.indexOf('silent-state  '));
    expect(lines[2]).toBe('');
    expect(lines.at(-1)).toBe('✖ 2 problems (1 error, 1 warning) in 3 flow files');
    expect(run.code).toBe(1);
  });

  it('--format json prints the findings as { file, flow, state, rule, severity, message }', async () => {
    const run = await runCli(['lint', '--format', 'json', fixture('unreachable-state'), fixture('window-timer')]);
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(findings.map((f) => Object.keys(f))).toEqual(findings.map(() => ['file', 'flow', 'state', 'rule', 'severity', 'message']));
    expect(findings.map(({ message: _message, ...rest }) => rest)).toEqual([
      { file: 'test/lint/fixtures/unreachable-state.ts', flow: 'unreachable', state: 'survey', rule: 'unreachable-state', severity: 'error' },
      { file: 'test/lint/fixtures/window-timer.ts', flow: 'window-timer', state: 'quoted', rule: 'window-timer', severity: 'warning' },
      { file: 'test/lint/fixtures/window-timer.ts', flow: 'window-timer', state: 'nudged', rule: 'window-timer', severity: 'warning' },
    ]);
    const clean = await runCli(['lint', '--format', 'json', fixture('dead-end-near-miss')]);
    expect([clean.code, JSON.parse(clean.stdout)]).toEqual([0, []]);
  });

  it('warnings alone exit 0, unless there are more than --max-warnings', async () => {
    const warnings = fixture('window-timer'); // two warnings
    expect((await runCli(['lint', warnings])).code).toBe(0);
    const over = await runCli(['lint', warnings, '--max-warnings', '1']);
    expect(over.code).toBe(1);
    expect(over.stdout).toContain('chartbot lint found too many warnings (maximum: 1).');
    const bad = await runCli(['lint', warnings, '--max-warnings', 'few']);
    expect(bad.code).toBe(2); // a usage mistake, not a finding
    expect(bad.stderr).toContain('give a whole number of warnings');
  });

  it('a file that does not load is an error carrying the loader message; the other files are still linted', async () => {
    const run = await runCli(['lint', '--format', 'json', fixture('does-not-load'), 'flows/missing.ts', 'flows/support.ts']);
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout) as Array<Record<string, string>>;
    expect(findings).toEqual([
      {
        file: 'test/lint/fixtures/does-not-load.ts',
        flow: 'does-not-load',
        state: '',
        rule: 'load-error',
        severity: 'error',
        message: expect.stringContaining('could not be loaded: set SHOP_API_URL before loading this flow') as string,
      },
      { file: 'flows/missing.ts', flow: 'missing', state: '', rule: 'load-error', severity: 'error', message: 'flows/missing.ts: no such flow file' },
    ]);
  });

  it('a folder (or FLOWS_DIR) lints every flow file in it', async () => {
    const run = await runCli(['lint', '--format', 'json'], '', 15_000, { FLOWS_DIR: 'test/lint/fixtures' });
    const findings = JSON.parse(run.stdout) as Array<{ file: string; rule: string }>;
    expect(new Set(findings.map((f) => f.rule))).toEqual(
      new Set(['load-error', 'silent-state', 'unreachable-state', 'dead-end', 'unknown-event', 'reply-limits', 'window-timer']),
    );
    expect(findings.some((f) => f.file.includes('near-miss'))).toBe(false);
    expect(run.code).toBe(1);
  });
});

describe('chartbot graph with lint findings', () => {
  it('marks the states lint found problems in (Mermaid classes and notes, DOT colours)', async () => {
    const mermaid = await runCli(['graph', fixture('reply-limits')]);
    expect(mermaid.code).toBe(0);
    const lines = mermaid.stdout.split('\n');
    expect(lines).toContain('  pick : ✖ reply-limits');
    expect(lines).toContain('  class pick lintError');
    expect(lines).toContain('  note left of pick : whole flow - ✖ reply-limits');
    const dot = await runCli(['graph', fixture('silent-state'), '--format', 'dot']);
    expect(dot.stdout).toContain('"ask" [label="ask\n⚠ silent-state", color=orange];');
    // A clean flow is drawn exactly as before.
    expect((await runCli(['graph', fixture('dead-end-near-miss')])).stdout).not.toContain('lint');
  });
});
