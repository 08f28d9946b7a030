import { createLogger, type LoggerOptions, type Logger } from '../../src/logger.ts';

/** A real chartbot logger whose JSON lines are kept in memory for assertions. */
export function capturedLogger(options: Omit<LoggerOptions, 'destination'> = {}): { logger: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger('debug', { ...options, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, text: () => lines.join('') };
}
