import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { maskPhoneFields } from './logging/mask-phones.ts';

export type { Logger };

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Mask phone numbers in the phone fields of log objects, nested ones included (CHARTBOT_MASK_PHONES; see mask-phones.ts). */
  maskPhones?: boolean;
  /** Where lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream;
  /** One readable line per entry (pino-pretty: time, level, message, fields) instead of JSON, for a terminal. */
  pretty?: boolean;
}

/**
 * Whether logs should be readable lines rather than JSON: in a developer's terminal (stdout is a
 * TTY) outside production. A log collector (a pipe, a file) and production get JSON.
 */
export function wantsPrettyLogs(env: Record<string, string | undefined> = process.env, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return stdout.isTTY === true && env.NODE_ENV !== 'production';
}

/**
 * Where secrets could sit in a logged object. Tokens and secrets are never passed to the logger on
 * purpose; this is the second line of defence (e.g. an error object carrying request headers).
 */
export const REDACTED_PATHS = [
  'token', 'apiToken', 'appSecret', 'secret', 'dialog360Secret', 'authorization', 'password',
  '*.token', '*.apiToken', '*.appSecret', '*.secret', '*.dialog360Secret', '*.authorization', '*.password',
  'headers.authorization', 'headers["d360-api-key"]', 'headers["D360-API-KEY"]', 'headers["x-hub-signature-256"]', 'headers["x-360dialog-signature"]',
  '*.headers.authorization', '*.headers["d360-api-key"]', '*.headers["D360-API-KEY"]',
];

/**
 * Structured JSON logs (pino): one object per line, cheap enough for the hot path. Tokens and app
 * secrets are never passed to the logger; `redact` is a second line of defence.
 */
export function createLogger(level = 'info', options: LoggerOptions = {}): Logger {
  const pinoOptions = {
    level,
    base: { service: 'chartbot' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(options.maskPhones ? { formatters: { log: maskPhoneFields } } : {}),
  };
  if (options.pretty) {
    const readable = pretty({
      sync: true, // lines appear in order with the console provider's output, and before an exit
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,service',
      singleLine: true,
      ...(options.destination ? { destination: options.destination } : {}),
    });
    return pino(pinoOptions, readable);
  }
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

/** A logger that drops everything, for tests and embedding. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
