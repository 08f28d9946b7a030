import type { Provider } from './provider.ts';

let counter = 0;

/**
 * Prints what would be sent instead of calling WhatsApp: for running a flow locally without a
 * number. Message ids are made up (`console.<n>`).
 */
export function consoleProvider(write: (line: string) => void = (line) => process.stdout.write(line + '\n')): Provider {
  return {
    name: 'console',
    async send(request) {
      const messageId = `console.${Date.now()}.${++counter}`;
      write(`→ ${request.to} (from ${request.businessNumberId}): ${JSON.stringify(request.message)}`);
      return { messageId };
    },
    async markRead(request) {
      write(`✓ read ${request.messageId}`);
    },
  };
}
