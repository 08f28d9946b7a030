import { renderMessage } from '../testing/render-message.ts';
import type { Provider } from './provider.ts';

let counter = 0;

/**
 * Prints what would be sent instead of calling WhatsApp: for running a flow locally without a
 * number. Each message is shown as a person reads it (text, then its buttons, rows or form on
 * indented lines, as `chartbot chat` shows them); message ids are made up (`console.<n>`).
 *
 * ```
 * → 4915550001 (from 106540352242922): Hi Ann! How can we help you today?
 *     [FAQ] [Open a ticket] [Talk to a person]
 * ✓ read wamid.try-1
 * ```
 */
export function consoleProvider(write: (line: string) => void = (line) => process.stdout.write(line + '\n')): Provider {
  return {
    name: 'console',
    async send(request) {
      const messageId = `console.${Date.now()}.${++counter}`;
      const [first = '', ...rest] = renderMessage(request.message);
      const lines = [`→ ${request.to} (from ${request.businessNumberId}): ${first.replace(/^bot: /, '')}`, ...rest.map((line) => `  ${line}`)];
      write(lines.join('\n'));
      return { messageId };
    },
    async markRead(request) {
      write(`✓ read ${request.messageId}`);
    },
  };
}
