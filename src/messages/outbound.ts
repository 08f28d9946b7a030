/**
 * Outbound messages, in the Cloud API's wire shape (the body of `POST /{phone-number-id}/messages`
 * without `messaging_product`, `recipient_type` and `to`, which the provider adds). 360dialog takes
 * the same body; other gateways translate it.
 */

export interface MediaByLink {
  link: string;
}
export interface MediaById {
  id: string;
}
export type MediaSource = MediaByLink | MediaById;

export interface TextBody {
  body: string;
  preview_url?: boolean;
}

export interface ReplyButton {
  type: 'reply';
  reply: { id: string; title: string };
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}
export interface ListSection {
  title?: string;
  rows: ListRow[];
}

export type InteractiveHeader =
  | { type: 'text'; text: string }
  | { type: 'image'; image: MediaSource }
  | { type: 'video'; video: MediaSource }
  | { type: 'document'; document: MediaSource & { filename?: string } };

interface InteractiveCommon {
  header?: InteractiveHeader;
  body?: { text: string };
  footer?: { text: string };
}

export interface ButtonsInteractive extends InteractiveCommon {
  type: 'button';
  body: { text: string };
  action: { buttons: ReplyButton[] };
}
export interface ListInteractive extends InteractiveCommon {
  type: 'list';
  body: { text: string };
  action: { button: string; sections: ListSection[] };
}
export interface CtaUrlInteractive extends InteractiveCommon {
  type: 'cta_url';
  body: { text: string };
  action: { name: 'cta_url'; parameters: { display_text: string; url: string } };
}
export interface FlowInteractive extends InteractiveCommon {
  type: 'flow';
  body: { text: string };
  action: {
    name: 'flow';
    parameters: {
      flow_message_version: '3';
      flow_token?: string;
      flow_id?: string;
      flow_name?: string;
      flow_cta: string;
      flow_action?: 'navigate' | 'data_exchange';
      flow_action_payload?: { screen: string; data?: Record<string, unknown> };
      mode?: 'draft' | 'published';
    };
  };
}
export interface LocationRequestInteractive extends InteractiveCommon {
  type: 'location_request_message';
  body: { text: string };
  action: { name: 'send_location' };
}
export type Interactive =
  | ButtonsInteractive
  | ListInteractive
  | CtaUrlInteractive
  | FlowInteractive
  | LocationRequestInteractive;

export type TemplateParameter =
  | { type: 'text'; text: string; parameter_name?: string }
  | { type: 'currency'; currency: { fallback_value: string; code: string; amount_1000: number } }
  | { type: 'date_time'; date_time: { fallback_value: string } }
  | { type: 'image'; image: MediaSource }
  | { type: 'video'; video: MediaSource }
  | { type: 'document'; document: MediaSource & { filename?: string } }
  | { type: 'payload'; payload: string }
  /** A copy-code button's code (Meta calls the parameter `coupon_code`). */
  | { type: 'coupon_code'; coupon_code: string };

export type TemplateComponent =
  | { type: 'header' | 'body'; parameters: TemplateParameter[] }
  | { type: 'button'; sub_type: 'quick_reply' | 'url' | 'copy_code'; index: string; parameters: TemplateParameter[] };

export interface Template {
  name: string;
  language: { code: string };
  components?: TemplateComponent[];
}

export interface OutboundContext {
  /** Quote this inbound (or outbound) message. */
  context?: { message_id: string };
  /** Echoed back in status webhooks (`biz_opaque_callback_data`). */
  biz_opaque_callback_data?: string;
}

export type OutboundMessage = OutboundContext &
  (
    | { type: 'text'; text: TextBody }
    | { type: 'image'; image: MediaSource & { caption?: string } }
    | { type: 'video'; video: MediaSource & { caption?: string } }
    | { type: 'audio'; audio: MediaSource }
    | { type: 'document'; document: MediaSource & { caption?: string; filename?: string } }
    | { type: 'sticker'; sticker: MediaSource }
    | { type: 'location'; location: { latitude: number; longitude: number; name?: string; address?: string } }
    | { type: 'contacts'; contacts: Array<Record<string, unknown>> }
    | { type: 'reaction'; reaction: { message_id: string; emoji: string } }
    | { type: 'interactive'; interactive: Interactive }
    | { type: 'template'; template: Template }
  );

export type OutboundType = OutboundMessage['type'];

/** Templates are the only messages WhatsApp delivers outside the 24-hour customer-service window. */
export function isTemplate(message: OutboundMessage): boolean {
  return message.type === 'template';
}
