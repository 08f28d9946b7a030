import { randomUUID } from 'node:crypto';
import { ProviderError, type MarkReadRequest, type Provider, type SendRequest } from '../providers/provider.ts';

/** One send the runtime asked for, with the id we answered (or the error we threw). */
export interface RecordedSend extends SendRequest {
  messageId?: string;
  error?: ProviderError;
}

/** A Provider that keeps everything in memory instead of calling WhatsApp. */
export interface RecordingProvider extends Provider {
  readonly sends: RecordedSend[];
  readonly reads: MarkReadRequest[];
  /** The next `count` sends fail like the Cloud API would (default: 131047, re-engagement window). */
  failNext(count?: number, error?: { code: number; title: string; retryable?: boolean }): void;
}

/**
 * The provider of chartbot/testing: answers every send with a fresh `wamid.bot.<run>.N` id, like the
 * Cloud API, and records sends and read receipts in order.
 */
export function recordingProvider(): RecordingProvider {
  const sends: RecordedSend[] = [];
  const reads: MarkReadRequest[] = [];
  const failures: Array<{ code: number; title: string; retryable?: boolean }> = [];
  let counter = 0;
  // Unique per provider, so runs that share a store (the terminal simulator) never reuse an id.
  const run = randomUUID().slice(0, 8);
  return {
    name: 'recording',
    sends,
    reads,
    failNext(count = 1, error = { code: 131047, title: 'Re-engagement message' }) {
      for (let i = 0; i < count; i++) failures.push(error);
    },
    async send(request) {
      const failure = failures.shift();
      if (failure) {
        const error = new ProviderError(`(#${failure.code}) ${failure.title}`, {
          provider: 'recording',
          status: 400,
          code: failure.code,
          title: failure.title,
          retryable: failure.retryable ?? false,
        });
        sends.push({ ...request, error });
        throw error;
      }
      const messageId = `wamid.bot.${run}.${++counter}`;
      sends.push({ ...request, messageId });
      return { messageId };
    },
    async markRead(request) {
      reads.push(request);
    },
  };
}
