import { Agent, FormData } from 'undici';

/**
 * The Chatwoot connector's settings (CHATWOOT_URL, CHATWOOT_API_TOKEN, CHATWOOT_ACCOUNT_ID,
 * CHATWOOT_INBOX_ID, CHATWOOT_WEBHOOK_TOKEN).
 */
export interface ChatwootOptions {
  /** Chatwoot's base URL, e.g. `https://chat.example.com`. */
  url: string;
  /** An agent's or bot's access token, sent as the `api_access_token` header. */
  apiToken: string;
  accountId: number;
  /** The API-channel inbox hand-overs land in. */
  inboxId: number;
  /** Chatwoot's webhook must call `POST /integrations/chatwoot?token=<this>`. */
  webhookToken: string;
  /** Headers and body timeout per call (default 10 s). */
  timeoutMs?: number;
}

/** Chatwoot answered with an error status (or could not be reached: status 0). */
export class ChatwootError extends Error {
  override readonly name = 'ChatwootError';
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** A contact as Chatwoot's contact search and create answer it (the fields chartbot reads). */
export interface ChatwootContact {
  id: number;
  name?: string | null;
  phone_number?: string | null;
  identifier?: string | null;
  contact_inboxes?: Array<{ source_id?: string; inbox?: { id?: number } }>;
}

/** A file to attach to a Chatwoot message (multipart `attachments[]`). */
export interface ChatwootAttachment {
  data: Buffer;
  filename: string;
  contentType?: string;
}

/**
 * The few calls of Chatwoot's Application API the connector needs (`/api/v1/accounts/{account_id}/…`,
 * authenticated by the `api_access_token` header), over undici. Shapes: developers.chatwoot.com
 * (Chatwoot v4).
 */
export class ChatwootApi {
  private readonly agent: Agent;
  private readonly origin: string;
  private readonly prefix: string;

  constructor(private readonly options: ChatwootOptions) {
    const base = new URL(options.url);
    this.origin = base.origin;
    this.prefix = `${base.pathname.replace(/\/$/, '')}/api/v1/accounts/${options.accountId}`;
    const timeout = options.timeoutMs ?? 10_000;
    this.agent = new Agent({ connections: 8, keepAliveTimeout: 30_000, headersTimeout: timeout, bodyTimeout: timeout });
  }

  /** `GET /contacts/search?q=` → `{ payload: [contact] }`. */
  async searchContacts(q: string): Promise<ChatwootContact[]> {
    const body = (await this.call('GET', `/contacts/search?q=${encodeURIComponent(q)}`)) as { payload?: ChatwootContact[] };
    return Array.isArray(body?.payload) ? body.payload : [];
  }

  /** `POST /contacts` → `{ payload: { contact, contact_inbox? } }`: the contact and its source id in the inbox. */
  async createContact(contact: { name: string; phone_number?: string; identifier: string }): Promise<{ id: number; sourceId?: string }> {
    const body = (await this.call('POST', '/contacts', { inbox_id: this.options.inboxId, ...contact })) as {
      payload?: { contact?: ChatwootContact; contact_inbox?: { source_id?: string } } & ChatwootContact;
    };
    const created = body?.payload?.contact ?? body?.payload;
    if (typeof created?.id !== 'number') throw new ChatwootError('Chatwoot created a contact but answered without its id', 200, body);
    const sourceId = body.payload?.contact_inbox?.source_id ?? this.sourceIdOf(created);
    return { id: created.id, ...(sourceId ? { sourceId } : {}) };
  }

  /** The contact's source id in our inbox, when Chatwoot listed its inboxes. */
  sourceIdOf(contact: ChatwootContact): string | undefined {
    return contact.contact_inboxes?.find((ci) => ci.inbox?.id === this.options.inboxId)?.source_id;
  }

  /** `POST /contacts/{id}/contact_inboxes` `{ inbox_id }` → `{ source_id }`. */
  async createContactInbox(contactId: number): Promise<string> {
    const body = (await this.call('POST', `/contacts/${contactId}/contact_inboxes`, { inbox_id: this.options.inboxId })) as { source_id?: string };
    if (typeof body?.source_id !== 'string') throw new ChatwootError('Chatwoot answered a contact inbox without source_id', 200, body);
    return body.source_id;
  }

  /** `POST /conversations` → `{ id }`. */
  async createConversation(conversation: { sourceId: string; contactId: number; additionalAttributes: Record<string, string> }): Promise<number> {
    const body = (await this.call('POST', '/conversations', {
      source_id: conversation.sourceId,
      inbox_id: this.options.inboxId,
      contact_id: conversation.contactId,
      status: 'open',
      additional_attributes: conversation.additionalAttributes,
    })) as { id?: number };
    if (typeof body?.id !== 'number') throw new ChatwootError('Chatwoot created a conversation but answered without its id', 200, body);
    return body.id;
  }

  /**
   * `POST /conversations/{id}/messages`: `incoming` for the user's words, `outgoing` + `private`
   * for notes to the agents. Attachments go as multipart `attachments[]`.
   */
  async createMessage(conversationId: number, message: { content: string; messageType: 'incoming' | 'outgoing'; private?: boolean }, attachments: ChatwootAttachment[] = []): Promise<void> {
    const path = `/conversations/${conversationId}/messages`;
    if (attachments.length === 0) {
      await this.call('POST', path, { content: message.content, message_type: message.messageType, private: message.private ?? false });
      return;
    }
    const form = new FormData();
    form.set('content', message.content);
    form.set('message_type', message.messageType);
    form.set('private', String(message.private ?? false));
    for (const file of attachments) form.append('attachments[]', new Blob([new Uint8Array(file.data)], { type: file.contentType ?? 'application/octet-stream' }), file.filename);
    await this.call('POST', path, form);
  }

  /** `POST /conversations/{id}/toggle_status` `{ status }`. */
  async toggleStatus(conversationId: number, status: 'open' | 'resolved' | 'pending'): Promise<void> {
    await this.call('POST', `/conversations/${conversationId}/toggle_status`, { status });
  }

  /** Releases the keep-alive connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { api_access_token: this.options.apiToken, accept: 'application/json' };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response;
    try {
      response = await this.agent.request({ origin: this.origin, path: this.prefix + path, method, headers, ...(payload === undefined ? {} : { body: payload }) });
    } catch (error) {
      throw new ChatwootError(`Chatwoot unreachable (${method} ${path}): ${(error as Error).message}`, 0, undefined);
    }
    const text = await response.body.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep the text for the error message
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new ChatwootError(`Chatwoot answered ${response.statusCode} to ${method} ${path}: ${text.slice(0, 200)}`, response.statusCode, parsed);
    }
    return parsed;
  }
}
