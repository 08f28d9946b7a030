/** pino's JSON line, as far as the studio reads it. */
interface LogLine {
  level: number;
  msg?: string;
  contact?: string;
  err?: { message?: string };
}

/** An error the runtime logged, as the page shows it. */
export interface LoggedError {
  text: string;
  /** The contact it concerns, when it concerns one. */
  contact?: string;
  /** What was thrown, when the line carries it. */
  errorMessage?: string;
}

/** Reads a line the runtime's logger wrote: an error the page shows, or undefined for the others. */
export function loggedError(line: string): LoggedError | undefined {
  let parsed: LogLine;
  try {
    parsed = JSON.parse(line) as LogLine;
  } catch {
    return undefined;
  }
  // The runtime logs a parked message twice (the error, then where to retry it in production).
  if (parsed.level < 50 || parsed.msg?.startsWith('message parked')) return undefined;
  const text = `${parsed.msg ?? 'error'}${parsed.err?.message ? `: ${parsed.err.message}` : ''}`;
  return { text, ...(parsed.contact ? { contact: parsed.contact } : {}), ...(parsed.err?.message ? { errorMessage: parsed.err.message } : {}) };
}
