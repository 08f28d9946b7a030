import type { Logger } from '../../logger.ts';
import type { UserMediaEvent } from '../../messages/inbound-events.ts';
import type { Provider } from '../../providers/provider.ts';
import type { AgentSink } from '../agent-sink.ts';
import { describeUserEvent } from '../describe-user-event.ts';
import type { HandoverNotification, SinkState } from '../handover-record.ts';
import { ChatwootError, type ChatwootApi, type ChatwootAttachment } from './chatwoot-api.ts';

/** The Chatwoot sink, and a way to leave private notes for the agents of a conversation. */
export interface ChatwootSink extends AgentSink {
  /** Leaves a private note (not sent to WhatsApp) in a Chatwoot conversation. */
  note(conversationId: number, text: string): Promise<void>;
}

/** The sink's name on contact records. */
export const CHATWOOT_SINK = 'chatwoot';

/** What the connector keeps per contact: its Chatwoot contact, and the conversation of the hand-over in progress. */
export interface ChatwootState extends SinkState {
  contactId: number;
  sourceId: string;
  conversationId: number;
}

const EXTENSIONS: Record<string, string> = { image: 'jpg', video: 'mp4', audio: 'ogg', sticker: 'webp', document: 'bin' };

/**
 * The Chatwoot side of hand-overs: `handover.started` finds or creates the Chatwoot contact (by
 * identifier `whatsapp:<wa_id>`, phone `+<wa_id>`) and opens a conversation in the API-channel
 * inbox, with a private note for the agents; every `handover.message` becomes an incoming message
 * (media downloaded from WhatsApp and attached; a description with the media id when that fails);
 * `handover.ended` adds a note and resolves the conversation. Agents' answers come back through
 * Chatwoot's webhook (chatwoot-router.ts).
 */
export function chatwootSink(api: ChatwootApi, logger: Logger): ChatwootSink {
  /** Conversations Chatwoot no longer has (deleted there): the next attempt opens a new one. */
  const gone = new Set<number>();

  async function contactOf(n: HandoverNotification, state: Partial<ChatwootState> | undefined): Promise<{ contactId: number; sourceId: string }> {
    if (state?.contactId !== undefined && state.sourceId !== undefined) return { contactId: state.contactId, sourceId: state.sourceId };
    const identifier = `whatsapp:${n.waId}`;
    const phone = /^\d{6,15}$/.test(n.waId) ? `+${n.waId}` : undefined;
    const found = (await api.searchContacts(n.waId)).find((c) => c.identifier === identifier || (phone !== undefined && c.phone_number?.replace(/\s/g, '') === phone));
    if (found) {
      return { contactId: found.id, sourceId: api.sourceIdOf(found) ?? (await api.createContactInbox(found.id)) };
    }
    const name = ('name' in n && n.name) || phone || n.waId;
    const created = await api.createContact({ name, identifier, ...(phone ? { phone_number: phone } : {}) });
    return { contactId: created.id, sourceId: created.sourceId ?? (await api.createContactInbox(created.id)) };
  }

  async function conversationOf(n: HandoverNotification, state: Partial<ChatwootState> | undefined): Promise<{ state: ChatwootState; created: boolean }> {
    const contact = await contactOf(n, state);
    if (state?.conversationId !== undefined && !gone.has(state.conversationId)) return { state: { ...contact, conversationId: state.conversationId }, created: false };
    const conversationId = await api.createConversation({
      ...contact,
      additionalAttributes: { chartbot_business_number_id: n.businessNumberId, chartbot_wa_id: n.waId },
    });
    return { state: { ...contact, conversationId }, created: true };
  }

  async function mediaOf(event: UserMediaEvent, provider: Provider): Promise<ChatwootAttachment[]> {
    if (!provider.downloadMedia) return [];
    try {
      const file = await provider.downloadMedia(event.mediaId, event.businessNumberId);
      const filename = event.filename ?? `${event.kind}-${event.mediaId}.${EXTENSIONS[event.kind] ?? 'bin'}`;
      // The type WhatsApp declared is more telling than a download's generic one.
      const contentType = event.mimeType ?? file.contentType;
      return [{ data: file.data, filename, ...(contentType ? { contentType } : {}) }];
    } catch (error) {
      // The description names the media id: an agent can still ask for the file.
      logger.warn({ err: error, mediaId: event.mediaId }, 'media could not be downloaded for Chatwoot: posted as a description');
      return [];
    }
  }

  /** Posts to the conversation; a conversation deleted in Chatwoot (404) is forgotten, so the retry opens a new one. */
  async function post(state: ChatwootState, post: () => Promise<void>): Promise<void> {
    try {
      await post();
    } catch (error) {
      if (error instanceof ChatwootError && error.status === 404) {
        gone.add(state.conversationId);
        throw new ChatwootError(`Chatwoot conversation ${state.conversationId} no longer exists: a new one is opened on the next attempt`, 404, error.body);
      }
      throw error;
    }
  }

  return {
    name: CHATWOOT_SINK,
    async deliver(n, { state: stored, provider }) {
      const state = stored as Partial<ChatwootState> | undefined;
      switch (n.type) {
        case 'handover.started': {
          const { state: next } = await conversationOf(n, { ...state, conversationId: undefined } as Partial<ChatwootState>);
          const text = `🤖 Hand-over from the bot (flow ${n.flow}, state ${n.state}, after ${n.trigger}). Reply here to answer on WhatsApp; resolve the conversation to give it back to the bot.`;
          await api.createMessage(next.conversationId, { content: text, messageType: 'outgoing', private: true });
          return next;
        }
        case 'handover.message': {
          const { state: next } = await conversationOf(n, state);
          const attachments = n.event.type === 'user.media' ? await mediaOf(n.event, provider) : [];
          const content = n.event.type === 'user.media' && attachments.length > 0 ? (n.event.caption ?? '') : describeUserEvent(n.event);
          await post(next, () => api.createMessage(next.conversationId, { content, messageType: 'incoming' }, attachments));
          return next;
        }
        case 'handover.ended': {
          if (state?.conversationId === undefined) return undefined;
          const by = n.agent ? ` by ${n.agent}` : '';
          await api
            .createMessage(state.conversationId, { content: `🤖 The bot has the conversation again (${n.reason}${by}).`, messageType: 'outgoing', private: true })
            .catch((error: unknown) => {
              if (!(error instanceof ChatwootError && error.status === 404)) throw error;
            });
          await api.toggleStatus(state.conversationId, 'resolved').catch((error: unknown) => {
            if (!(error instanceof ChatwootError && error.status === 404)) throw error;
          });
          // The contact stays known; the next hand-over opens a new conversation.
          return state.contactId !== undefined && state.sourceId !== undefined ? { contactId: state.contactId, sourceId: state.sourceId } : null;
        }
      }
    },
    note: (conversationId, text) => api.createMessage(conversationId, { content: text, messageType: 'outgoing', private: true }),
    close: () => api.close(),
  };
}
