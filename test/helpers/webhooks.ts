import { connect, type Socket } from 'node:net';
import { signBody } from '../../src/webhook/signature.ts';

export const BUSINESS = { phoneNumberId: '106540352242922', display: '15550783881' };

let sequence = 0;
/** A fresh inbound message id. */
export const nextId = (): string => `wamid.test.${Date.now()}.${++sequence}`;

/** One inbound message object (Cloud API shape) of the given type. */
export function message(from: string, type: string, payload: Record<string, unknown> = {}, id = nextId()): Record<string, unknown> {
  return { from, id, timestamp: String(Math.floor(Date.now() / 1000)), type, ...payload };
}

export const textMessage = (from: string, body: string, id?: string) => message(from, 'text', { text: { body } }, id);
export const buttonReply = (from: string, buttonId: string, title: string, id?: string) =>
  message(from, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: buttonId, title } } }, id);
export const listReply = (from: string, rowId: string, title: string, id?: string) =>
  message(from, 'interactive', { interactive: { type: 'list_reply', list_reply: { id: rowId, title, description: '' } } }, id);
export const flowReply = (from: string, response: Record<string, unknown>, id?: string) =>
  message(
    from,
    'interactive',
    { interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify(response) } } },
    id,
  );

/** Wraps messages (and statuses) of several contacts into one webhook envelope. */
export function envelope(
  parts: { messages?: Array<Record<string, unknown>>; statuses?: Array<Record<string, unknown>>; names?: Record<string, string> },
  business = BUSINESS,
): Record<string, unknown> {
  const senders = [...new Set((parts.messages ?? []).map((m) => String(m.from)))];
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: business.display, phone_number_id: business.phoneNumberId },
  };
  if (senders.length) value.contacts = senders.map((wa_id) => ({ profile: { name: parts.names?.[wa_id] ?? `User ${wa_id}` }, wa_id }));
  if (parts.messages) value.messages = parts.messages;
  if (parts.statuses) value.statuses = parts.statuses;
  return { object: 'whatsapp_business_account', entry: [{ id: 'WABA1', changes: [{ field: 'messages', value }] }] };
}

export function status(id: string, statusName: string, recipient: string, timestamp = Math.floor(Date.now() / 1000), extra: Record<string, unknown> = {}) {
  return { id, status: statusName, timestamp: String(timestamp), recipient_id: recipient, ...extra };
}

/** POSTs a webhook body as Meta would (signed when a secret is given). */
export async function postWebhook(url: string, body: unknown, secret?: string, headers: Record<string, string> = {}): Promise<Response> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const h: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (secret !== undefined) h['x-hub-signature-256'] = signBody(raw, secret);
  return fetch(`${url}/webhook`, { method: 'POST', headers: h, body: raw });
}

/**
 * POSTs several webhook bodies so that they reach the server at the same moment: one connection
 * each, all connected first, then every request written in one go. (With `fetch` from the process
 * that runs the bot, the requests go out one event-loop turn apart whenever the bot is busy.)
 * Resolves with the status codes, in order.
 */
export async function postSimultaneously(url: string, bodies: unknown[]): Promise<number[]> {
  const { hostname, port } = new URL(url);
  const sockets = await Promise.all(
    bodies.map(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(Number(port), hostname, () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  const answers = sockets.map(
    (socket) =>
      new Promise<number>((resolve, reject) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString('latin1');
          const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
          if (status !== undefined && text.includes('\r\n\r\n')) {
            socket.destroy();
            resolve(Number(status));
          }
        });
        socket.once('error', reject);
      }),
  );
  sockets.forEach((socket, i) => {
    const body = JSON.stringify(bodies[i]);
    socket.write(`POST /webhook HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  return Promise.all(answers);
}
