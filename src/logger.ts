import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs (pino): one object per line, cheap enough for the hot path. Tokens and app
 * secrets are never passed to the logger; `redact` is a second line of defence.
 */
export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    base: { service: 'chartbot' },
    redact: { paths: ['token', 'appSecret', '*.token', '*.appSecret', 'headers.authorization'], censor: '[redacted]' },
  });
}

/** A logger that drops everything, for tests and embedding. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
