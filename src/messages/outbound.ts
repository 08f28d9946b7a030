/**
 * Outbound messages, in the Cloud API's wire shape (the body of `POST /{phone-number-id}/messages`
 * without `messaging_product`, `recipient_type` and `to`, which the provider adds). 360dialog takes
 * the same body; other gateways translate it.
 */

/** Media the gateway downloads from a public http(s) URL. */
export interface MediaByLink {
  link: string;
}
/** Media uploaded to the gateway before, by its media id. */
export interface MediaById {
  id: string;
}
/** Where a media message's file comes from: a URL or an uploaded media id. */
export type MediaSource = MediaByLink | MediaById;

/** The `text` of a text message; `preview_url` asks WhatsApp to show a link preview. */
export interface TextBody {
  body: string;
  preview_url?: boolean;
}

/** One reply button of a buttons message (`id` comes back in `user.button`). */
export interface ReplyButton {
  type: 'reply';
  reply: { id: string; title: string };
}

/** One row of a list message (`id` comes back in `user.list`). */
export interface ListRow {
  id: string;
  title: string;
  description?: string;
}
/** A titled group of rows in a list message. */
export interface ListSection {
  title?: string;
  rows: ListRow[];
}

/** The optional header of an interactive message: text or media. */
export type InteractiveHeader =
  | { type: 'text'; text: string }
  | { type: 'image'; image: MediaSource }
  | { type: 'video'; video: MediaSource }
  | { type: 'document'; document: MediaSource & { filename?: string } };

/** Header, body and footer shared by every interactive message. */
interface InteractiveCommon {
  header?: InteractiveHeader;
  body?: { text: string };
  footer?: { text: string };
}

/** Up to three reply buttons (built by `buttons`). */
export interface ButtonsInteractive extends InteractiveCommon {
  type: 'button';
  body: { text: string };
  action: { buttons: ReplyButton[] };
}
/** A list of up to ten rows behind one button (built by `list`). */
export interface ListInteractive extends InteractiveCommon {
  type: 'list';
  body: { text: string };
  action: { button: string; sections: ListSection[] };
}
/** A button that opens a URL (built by `ctaUrl`). */
export interface CtaUrlInteractive extends InteractiveCommon {
  type: 'cta_url';
  body: { text: string };
  action: { name: 'cta_url'; parameters: { display_text: string; url: string } };
}
/** An invitation to fill in a WhatsApp Flow form (built by `flowInvitation`); the answer comes back as `user.flow`. */
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
/** Asks the user to share their location (built by `locationRequest`); the answer comes back as `user.location`. */
export interface LocationRequestInteractive extends InteractiveCommon {
  type: 'location_request_message';
  body: { text: string };
  action: { name: 'send_location' };
}
/** One catalog product (`product_retailer_id` is the product's SKU in the catalog). */
export interface ProductInteractive {
  type: 'product';
  body?: { text: string };
  footer?: { text: string };
  action: { catalog_id: string; product_retailer_id: string };
}
/** One titled section of a product list: up to 30 products across all sections. */
export interface ProductListSection {
  title: string;
  product_items: Array<{ product_retailer_id: string }>;
}
/** Several catalog products in titled sections (a text header is required). */
export interface ProductListInteractive {
  type: 'product_list';
  header: { type: 'text'; text: string };
  body: { text: string };
  footer?: { text: string };
  action: { catalog_id: string; sections: ProductListSection[] };
}
/** A "View catalog" button opening the business's whole catalog. */
export interface CatalogMessageInteractive {
  type: 'catalog_message';
  body: { text: string };
  footer?: { text: string };
  action: { name: 'catalog_message'; parameters: { thumbnail_product_retailer_id: string } };
}
/** An amount in the currency's minor units: `value / offset` (e.g. value 1250, offset 100 = 12.50). */
export interface OrderAmount {
  value: number;
  offset: number;
}
/** One line of an `order_details` message: a product, its price and quantity. */
export interface OrderDetailsItem {
  retailer_id: string;
  name: string;
  amount: OrderAmount;
  quantity: number;
  sale_amount?: OrderAmount;
}
/** What an `order_details` message asks the user to pay: the reference, the lines, the totals. */
export interface OrderDetailsParameters {
  reference_id: string;
  type: 'digital-goods' | 'physical-goods';
  payment_type?: string;
  payment_configuration: string;
  currency: string;
  total_amount: OrderAmount;
  order: {
    status: 'pending';
    catalog_id?: string;
    items: OrderDetailsItem[];
    subtotal: OrderAmount;
    tax: OrderAmount & { description?: string };
    shipping?: OrderAmount & { description?: string };
    discount?: OrderAmount & { description?: string; discount_program_name?: string };
  };
}
/** An order the user can review and pay in WhatsApp (Payments; where Meta offers them). */
export interface OrderDetailsInteractive {
  type: 'order_details';
  header?: InteractiveHeader;
  body: { text: string };
  footer?: { text: string };
  action: { name: 'review_and_pay'; parameters: OrderDetailsParameters };
}
/** The states an order can be reported in by `order_status`. */
export type OrderStatusValue = 'pending' | 'processing' | 'partially-shipped' | 'shipped' | 'completed' | 'canceled';
/** An update on an order sent with `order_details`. */
export interface OrderStatusInteractive {
  type: 'order_status';
  body: { text: string };
  footer?: { text: string };
  action: { name: 'review_order'; parameters: { reference_id: string; order: { status: OrderStatusValue; description?: string } } };
}
/** Every kind of interactive message. */
export type Interactive =
  | ButtonsInteractive
  | ListInteractive
  | CtaUrlInteractive
  | FlowInteractive
  | LocationRequestInteractive
  | ProductInteractive
  | ProductListInteractive
  | CatalogMessageInteractive
  | OrderDetailsInteractive
  | OrderStatusInteractive;

/** One value filled into a template's header, body or button (see `template`, `currency`, `dateTime`, `mediaParam`). */
export type TemplateParameter =
  | { type: 'text'; text: string; parameter_name?: string }
  | { type: 'currency'; currency: { fallback_value: string; code: string; amount_1000: number } }
  | { type: 'date_time'; date_time: { fallback_value: string } }
  | { type: 'image'; image: MediaSource }
  | { type: 'video'; video: MediaSource }
  | { type: 'document'; document: MediaSource & { filename?: string } }
  | { type: 'payload'; payload: string }
  /** A copy-code button's code (Meta calls the parameter `coupon_code`). */
  | { type: 'coupon_code'; coupon_code: string }
  /** A catalog button's thumbnail, or a Flow button's token and first-screen data. */
  | { type: 'action'; action: TemplateButtonAction };

/** The action of a template button parameter: a catalog thumbnail or a Flow's token and first screen data. */
export interface TemplateButtonAction {
  /** Catalog button: the product shown as the catalog's thumbnail. */
  thumbnail_product_retailer_id?: string;
  /** Flow button: the flow_token (default "unused"). */
  flow_token?: string;
  /** Flow button: data for the Flow's first screen. */
  flow_action_data?: Record<string, unknown>;
}

/** The kinds of template button a send can fill a parameter of. */
export type TemplateButtonSubType = 'quick_reply' | 'url' | 'copy_code' | 'catalog' | 'flow';

/** The parameters of one part of a template: header, body, or a button by index. */
export type TemplateComponent =
  | { type: 'header' | 'body'; parameters: TemplateParameter[] }
  | { type: 'button'; sub_type: TemplateButtonSubType; index: string; parameters: TemplateParameter[] };

/** An approved message template with its parameters (built by `template`); the only kind WhatsApp delivers outside the 24-hour window. */
export interface Template {
  name: string;
  language: { code: string };
  components?: TemplateComponent[];
}

/** Fields every outbound message may carry: the quoted message and tracking data. */
export interface OutboundContext {
  /** Quote this inbound (or outbound) message. */
  context?: { message_id: string };
  /** Echoed back in status webhooks (`biz_opaque_callback_data`). */
  biz_opaque_callback_data?: string;
}

/** A message the bot sends, in the Cloud API's shape: what `reply(...)`, the builders and `runtime.sendMessages` take. */
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

/** The `type` of an outbound message (`text`, `image`, `interactive`, `template`, …). */
export type OutboundType = OutboundMessage['type'];

/** Templates are the only messages WhatsApp delivers outside the 24-hour customer-service window. */
export function isTemplate(message: OutboundMessage): boolean {
  return message.type === 'template';
}
