import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Chatwoot stand-in on loopback implementing the Application API paths the connector uses and
 * sending Chatwoot's webhook payloads, in the shapes documented for Chatwoot v4
 * (developers.chatwoot.com: contacts search/create, contact inboxes, conversations, messages,
 * toggle_status; chatwoot/docs webhook-events: `message_created`, `conversation_status_changed`).
 */

export interface MockContact {
  id: number;
  name: string;
  phone_number: string | null;
  identifier: string | null;
  contact_inboxes: Array<{ source_id: string; inbox: { id: number; name: string } }>;
}

export interface MockMessage {
  id: number;
  content: string;
  message_type: 'incoming' | 'outgoing';
  private: boolean;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
}

export interface MockConversation {
  id: number;
  contact_id: number;
  source_id: string;
  inbox_id: number;
  status: 'open' | 'resolved' | 'pending';
  additional_attributes: Record<string, unknown>;
  messages: MockMessage[];
}

export interface ChatwootMock {
  url: string;
  accountId: number;
  inboxId: number;
  apiToken: string;
  contacts: MockContact[];
  conversations: MockConversation[];
  /** Every API call, `METHOD /path`. */
  calls: string[];
  /** The next `count` API calls answer `status`. */
  failNext(count: number, status: number): void;
  /** Where the bot receives Chatwoot's webhook (`…/integrations/chatwoot?token=…`). */
  setWebhook(url: string): void;
  /** An agent writes in the conversation: Chatwoot stores it and sends `message_created`. */
  agentWrites(conversationId: number, content: string, options?: { agent?: string; private?: boolean; attachments?: Array<{ file_type: string; data_url: string }> }): Promise<Response>;
  /** An agent resolves the conversation: Chatwoot sends `conversation_status_changed`. */
  resolve(conversationId: number, agent?: string): Promise<Response>;
  /** Sends any payload to the bot's webhook URL (for bad-input tests). */
  post(body: string, url?: string): Promise<Response>;
  close(): Promise<void>;
}

const ACCOUNT = { id: 1, name: 'Acme Inc' };

export async function startChatwootMock(options: { apiToken?: string; inboxId?: number } = {}): Promise<ChatwootMock> {
  const apiToken = options.apiToken ?? 'chatwoot-api-token';
  const inbox = { id: options.inboxId ?? 7, name: 'WhatsApp hand-overs' };
  const contacts: MockContact[] = [];
  const conversations: MockConversation[] = [];
  const calls: string[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let webhook = '';
  let nextId = 100;

  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  async function readBody(req: IncomingMessage): Promise<{ json?: Record<string, unknown>; form?: FormData }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      return { form: await new Request('http://mock/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData() };
    }
    return raw.length ? { json: JSON.parse(raw.toString('utf8')) as Record<string, unknown> } : {};
  }

  const conversationPayload = (c: MockConversation) => {
    const contact = contacts.find((x) => x.id === c.contact_id);
    return {
      additional_attributes: c.additional_attributes,
      can_reply: true,
      channel: 'Channel::Api',
      id: c.id,
      inbox_id: c.inbox_id,
      contact_inbox: { id: c.id + 5000, contact_id: c.contact_id, inbox_id: c.inbox_id, source_id: c.source_id, hmac_verified: false },
      messages: [],
      meta: {
        sender: { additional_attributes: {}, custom_attributes: {}, email: null, id: c.contact_id, identifier: contact?.identifier ?? null, name: contact?.name, phone_number: contact?.phone_number, type: 'contact' },
        assignee: { id: 1, name: 'Sam', available_name: 'Sam', type: 'user', availability_status: 'online' },
      },
      status: c.status,
      unread_count: 0,
      timestamp: Math.floor(Date.now() / 1000),
    };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://mock');
      calls.push(`${req.method} ${url.pathname}`);
      if (req.headers.api_access_token !== apiToken) return json(res, 401, { error: 'You need to sign in or sign up before continuing.' });
      if (failures.count > 0) {
        failures.count--;
        return json(res, failures.status, { error: 'mock failure' });
      }
      const prefix = `/api/v1/accounts/${ACCOUNT.id}`;
      if (!url.pathname.startsWith(prefix)) return json(res, 404, { error: 'Resource could not be found' });
      const path = url.pathname.slice(prefix.length);
      const body = await readBody(req);
      let m: RegExpExecArray | null;

      if (req.method === 'GET' && path === '/contacts/search') {
        const q = (url.searchParams.get('q') ?? '').toLowerCase();
        const found = contacts.filter((c) => [c.name, c.identifier, c.phone_number].some((v) => v?.toLowerCase().includes(q)));
        return json(res, 200, { meta: { count: found.length, current_page: 1 }, payload: found });
      }
      if (req.method === 'POST' && path === '/contacts') {
        const b = body.json ?? {};
        if (b.inbox_id !== inbox.id) return json(res, 422, { message: 'Inbox not found' });
        if (contacts.some((c) => c.phone_number !== null && c.phone_number === b.phone_number)) return json(res, 422, { message: 'Phone number has already been taken' });
        const contact: MockContact = {
          id: nextId++,
          name: String(b.name ?? ''),
          phone_number: typeof b.phone_number === 'string' ? b.phone_number : null,
          identifier: typeof b.identifier === 'string' ? b.identifier : null,
          contact_inboxes: [{ source_id: `src-${nextId++}`, inbox }],
        };
        contacts.push(contact);
        return json(res, 200, { payload: { contact } });
      }
      if (req.method === 'POST' && (m = /^\/contacts\/(\d+)\/contact_inboxes$/.exec(path))) {
        const contact = contacts.find((c) => c.id === Number(m![1]));
        if (!contact) return json(res, 404, { error: 'Resource could not be found' });
        const entry = { source_id: `src-${nextId++}`, inbox };
        contact.contact_inboxes.push(entry);
        return json(res, 200, entry);
      }
      if (req.method === 'POST' && path === '/conversations') {
        const b = body.json ?? {};
        const contact = contacts.find((c) => c.id === b.contact_id);
        if (!contact || !contact.contact_inboxes.some((ci) => ci.source_id === b.source_id) || b.inbox_id !== inbox.id) return json(res, 422, { error: 'invalid source_id, inbox_id or contact_id' });
        const conversation: MockConversation = {
          id: nextId++,
          contact_id: contact.id,
          source_id: String(b.source_id),
          inbox_id: inbox.id,
          status: (b.status as MockConversation['status']) ?? 'open',
          additional_attributes: (b.additional_attributes as Record<string, unknown>) ?? {},
          messages: [],
        };
        conversations.push(conversation);
        return json(res, 200, { id: conversation.id, account_id: ACCOUNT.id, inbox_id: inbox.id });
      }
      if (req.method === 'POST' && (m = /^\/conversations\/(\d+)\/messages$/.exec(path))) {
        const conversation = conversations.find((c) => c.id === Number(m![1]));
        if (!conversation) return json(res, 404, { error: 'Resource could not be found' });
        const field = (name: string) => (body.form ? body.form.get(name) : body.json?.[name]);
        const files = body.form ? (body.form.getAll('attachments[]') as File[]) : [];
        const message: MockMessage = {
          id: nextId++,
          content: String(field('content') ?? ''),
          message_type: field('message_type') === 'incoming' ? 'incoming' : 'outgoing',
          private: field('private') === true || field('private') === 'true',
          attachments: files.map((f) => ({ filename: f.name, contentType: f.type, size: f.size })),
        };
        conversation.messages.push(message);
        return json(res, 200, { id: message.id, content: message.content, message_type: message.message_type, private: message.private, conversation_id: conversation.id });
      }
      if (req.method === 'POST' && (m = /^\/conversations\/(\d+)\/toggle_status$/.exec(path))) {
        const conversation = conversations.find((c) => c.id === Number(m![1]));
        if (!conversation) return json(res, 404, { error: 'Resource could not be found' });
        conversation.status = (body.json?.status as MockConversation['status']) ?? 'open';
        return json(res, 200, { meta: {}, payload: { success: true, conversation_id: conversation.id, current_status: conversation.status } });
      }
      return json(res, 404, { error: 'Resource could not be found' });
    })().catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const post = (body: string, url = webhook) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  return {
    url: `http://127.0.0.1:${port}`,
    accountId: ACCOUNT.id,
    inboxId: inbox.id,
    apiToken,
    contacts,
    conversations,
    calls,
    failNext: (count, status) => (failures = { count, status }),
    setWebhook: (url) => (webhook = url),
    agentWrites(conversationId, content, opts = {}) {
      const conversation = conversations.find((c) => c.id === conversationId);
      if (!conversation) throw new Error(`no conversation ${conversationId}`);
      const message: MockMessage = { id: nextId++, content, message_type: 'outgoing', private: opts.private ?? false, attachments: [] };
      conversation.messages.push(message);
      return post(
        JSON.stringify({
          id: message.id,
          content,
          created_at: new Date().toISOString(),
          message_type: 'outgoing',
          content_type: 'text',
          private: message.private,
          content_attributes: {},
          source_id: null,
          sender: { id: 1, name: opts.agent ?? 'Sam', avatar: '', type: 'user' },
          inbox,
          conversation: conversationPayload(conversation),
          account: ACCOUNT,
          ...(opts.attachments ? { attachments: opts.attachments.map((a, i) => ({ id: i + 1, message_id: message.id, ...a })) } : {}),
          event: 'message_created',
        }),
      );
    },
    resolve(conversationId, agent = 'Sam') {
      const conversation = conversations.find((c) => c.id === conversationId);
      if (!conversation) throw new Error(`no conversation ${conversationId}`);
      conversation.status = 'resolved';
      const payload = conversationPayload(conversation);
      payload.meta.assignee.name = agent;
      return post(JSON.stringify({ ...payload, event: 'conversation_status_changed' }));
    },
    post,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
