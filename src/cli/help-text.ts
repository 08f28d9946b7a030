import { CONFIG_VARIABLES } from '../config-variables.ts';

/** The "Example" block at the end of a command's `--help`. */
export function examples(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** Every environment variable `chartbot start` reads, with its meaning and default (for `start --help`). */
export function environmentHelp(): string {
  const width = Math.max(...CONFIG_VARIABLES.map((v) => v.name.length));
  const lines = CONFIG_VARIABLES.map((v) => `  ${v.name.padEnd(width)}  ${v.description}${v.default ? ` (default: ${v.default})` : ''}`);
  return `\nEnvironment variables (docs/configuration.md has the details):\n${lines.join('\n')}\n`;
}
