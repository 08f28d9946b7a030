import { formatJson, formatStylish, summarize, type LintFormat } from '../lint/format.ts';
import { lintFlowFiles } from '../lint/lint-files.ts';

export interface LintCommandOptions {
  format: LintFormat;
  /** More warnings than this fail the run; below 0: any number. */
  maxWarnings: number;
}

/** `chartbot lint [files…]`: prints the findings and resolves with the exit status (0 clean, 1 problems). */
export async function lintCommand(paths: string[], options: LintCommandOptions, write: (text: string) => void): Promise<number> {
  const linted = await lintFlowFiles(paths);
  const findings = linted.flatMap((file) => file.findings);
  write(options.format === 'json' ? formatJson(findings) : formatStylish(findings, linted.length, options.maxWarnings));
  return summarize(findings, options.maxWarnings).exitCode;
}
