import type { LintFinding } from './finding.ts';

export type LintFormat = 'stylish' | 'json';

export interface LintSummary {
  errors: number;
  warnings: number;
  /** The exit status: 1 when there is an error or more warnings than allowed, else 0. */
  exitCode: 0 | 1;
  tooManyWarnings: boolean;
}

/** Counts findings and decides the exit status; `maxWarnings` below 0 (the default) allows any number. */
export function summarize(findings: readonly LintFinding[], maxWarnings = -1): LintSummary {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const tooManyWarnings = maxWarnings >= 0 && warnings > maxWarnings;
  return { errors, warnings, tooManyWarnings, exitCode: errors > 0 || tooManyWarnings ? 1 : 0 };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * ESLint-like text: one line per finding, `file  state  severity  rule  message`, columns aligned
 * (a finding on the flow as a whole shows `-` as its state), then a summary line.
 */
export function formatStylish(findings: readonly LintFinding[], files: number, maxWarnings = -1): string {
  const summary = summarize(findings, maxWarnings);
  const rows = findings.map((f) => [f.file, f.state || '-', f.severity, f.rule, f.message]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(0, ...rows.map((row) => (row[column] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, column) => (column < 4 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  '));
  if (findings.length === 0) {
    lines.push(`✔ no problems in ${plural(files, 'flow file')}`);
  } else {
    if (lines.length) lines.push('');
    lines.push(`✖ ${plural(findings.length, 'problem')} (${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}) in ${plural(files, 'flow file')}`);
  }
  if (summary.tooManyWarnings) lines.push(`chartbot lint found too many warnings (maximum: ${maxWarnings}).`);
  return lines.join('\n') + '\n';
}

/** The JSON array of `{ file, flow, state, rule, severity, message }` (`--format json`). */
export function formatJson(findings: readonly LintFinding[]): string {
  return JSON.stringify(findings.map(({ file, flow, state, rule, severity, message }) => ({ file, flow, state, rule, severity, message })), null, 2) + '\n';
}
