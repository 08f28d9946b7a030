import { deferrable, maxLength, MessageLimitError, withCommon, type CommonOptions } from './builder-common.ts';
import { flowTokenPlaceholder } from './builders.ts';
import type { MediaSource, OutboundMessage, TemplateButtonAction, TemplateComponent, TemplateParameter } from './outbound.ts';

/** What a builder returns instead of throwing while `chartbot lint` loads a flow (see limit-deferral.ts). */
const standInParameter = (): TemplateParameter => ({ type: 'text', text: '-' });
const standInMessage = (): OutboundMessage => ({ type: 'template', template: { name: 'stand_in', language: { code: 'en' } } });

/**
 * Template messages: the only kind WhatsApp delivers outside the 24-hour window. The template
 * itself (text, placeholders, buttons) is approved in WhatsApp Manager; a send names it and fills
 * in the parameters.
 */

/** A body/header value: plain text, or a parameter built with `currency()`, `dateTime()`, `mediaParam()`. */
export type TemplateValue = string | TemplateParameter;

/** The parameters of `template`: header, body and button values, plus the common options. */
export interface TemplateSpec extends CommonOptions {
  /** Header parameter: text, or an image/video/document (`mediaParam`). */
  header?: TemplateValue;
  /** Body parameters, in placeholder order ({{1}}, {{2}}, …) or named (`{ name: value }`). */
  body?: TemplateValue[] | Record<string, string>;
  /** Button parameters by button index: quick-reply payloads, URL suffixes, copy codes, catalog and Flow buttons. */
  buttons?: TemplateButtonSpec[];
}

/** One button parameter of a template send, by the button's index in the approved template. */
export type TemplateButtonSpec =
  | { index: number; type: 'quick_reply' | 'url' | 'copy_code'; value: string }
  /** A "View catalog" button (https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates/catalog-templates). */
  | { index: number; type: 'catalog'; thumbnailProduct?: string }
  /**
   * A Flow button (https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow, "Sending a Flow
   * with a template"): `flowToken` as in `flowInvitation`, or `endpoint: true` for a signed token that
   * routes the Flow's data-endpoint requests to this contact (`flowToken` is then your tag).
   */
  | { index: number; type: 'flow'; flowToken?: string; endpoint?: boolean; data?: Record<string, unknown> };

function buttonParameter(field: string, button: TemplateButtonSpec): TemplateParameter {
  // Each button kind names its parameter differently on the wire: payload, URL suffix text, coupon code, action.
  switch (button.type) {
    case 'quick_reply':
      return { type: 'payload', payload: button.value };
    case 'copy_code':
      // ≤ 15 characters: https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates/copy-code-templates
      return { type: 'coupon_code', coupon_code: maxLength(`${field}.value`, button.value, 15) };
    case 'url':
      return { type: 'text', text: maxLength(`${field}.value`, button.value, 2000) };
    case 'catalog': {
      const action: TemplateButtonAction = {};
      if (button.thumbnailProduct !== undefined) action.thumbnail_product_retailer_id = maxLength(`${field}.thumbnailProduct`, button.thumbnailProduct, 100);
      return { type: 'action', action };
    }
    case 'flow': {
      const action: TemplateButtonAction = {};
      if (button.endpoint) action.flow_token = flowTokenPlaceholder(button.flowToken === undefined ? undefined : maxLength(`${field}.flowToken`, button.flowToken, 64));
      else if (button.flowToken !== undefined) action.flow_token = button.flowToken;
      if (button.data !== undefined) action.flow_action_data = button.data;
      return { type: 'action', action };
    }
  }
}

const toParam = (field: string, value: TemplateValue): TemplateParameter => {
  if (typeof value !== 'string') return value;
  if (value.length === 0) throw new MessageLimitError(field, 'must not be empty', value);
  return { type: 'text', text: value };
};

/** A currency parameter; `amount` is in the currency's units (e.g. 12.5 EUR), sent as `amount_1000`. */
export const currency = deferrable(function currency(amount: number, code: string, fallback: string): TemplateParameter {
  if (!/^[A-Z]{3}$/.test(code)) throw new MessageLimitError('currency.code', 'must be an ISO 4217 code such as EUR', code);
  if (!Number.isFinite(amount)) throw new MessageLimitError('currency.amount', 'must be a finite number', amount);
  return { type: 'currency', currency: { fallback_value: fallback, code, amount_1000: Math.round(amount * 1000) } };
}, standInParameter);

/** A date-time parameter (WhatsApp shows `fallback` as given). */
export const dateTime = deferrable(function dateTime(fallback: string): TemplateParameter {
  if (fallback.length === 0) throw new MessageLimitError('date_time.fallback_value', 'must not be empty', fallback);
  return { type: 'date_time', date_time: { fallback_value: fallback } };
}, standInParameter);

/** A header media parameter. */
export const mediaParam = deferrable(function mediaParam(kind: 'image' | 'video' | 'document', source: MediaSource, filename?: string): TemplateParameter {
  if (kind === 'image') return { type: 'image', image: source };
  if (kind === 'video') return { type: 'video', video: source };
  return { type: 'document', document: filename ? { ...source, filename } : source };
}, standInParameter);

/** A template message: `template('order_shipped', 'en', { body: ['Ada', '#1042'] })`. */
export const template = deferrable(function template(name: string, languageCode: string, spec: TemplateSpec = {}): OutboundMessage {
  if (!/^[a-z0-9_]{1,512}$/.test(name)) throw new MessageLimitError('template.name', 'must be 1-512 lowercase letters, digits or _', name);
  if (!/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(languageCode)) throw new MessageLimitError('template.language', 'must be a code such as en or en_US', languageCode);
  const components: TemplateComponent[] = [];
  if (spec.header !== undefined) {
    const header = toParam('header', spec.header);
    if (header.type === 'text' && [...header.text].length > 60) throw new MessageLimitError('header', 'must be at most 60 characters', header.text);
    components.push({ type: 'header', parameters: [header] });
  }
  if (spec.body !== undefined) {
    const parameters = Array.isArray(spec.body)
      ? spec.body.map((v, i) => toParam(`body[${i}]`, v))
      : Object.entries(spec.body).map(([name, v]): TemplateParameter => {
          if (v.length === 0) throw new MessageLimitError(`body.${name}`, 'must not be empty', v);
          return { type: 'text', text: v, parameter_name: name };
        });
    parameters.forEach((p, i) => {
      if (p.type === 'text' && [...p.text].length > 1024) throw new MessageLimitError(`body[${i}]`, 'must be at most 1024 characters', p.text);
    });
    components.push({ type: 'body', parameters });
  }
  const seen = new Set<number>();
  for (const [i, button] of (spec.buttons ?? []).entries()) {
    if (!Number.isInteger(button.index) || button.index < 0 || button.index > 9) throw new MessageLimitError(`buttons[${i}].index`, 'must be 0-9', button.index);
    if (seen.has(button.index)) throw new MessageLimitError(`buttons[${i}].index`, 'must be unique', button.index);
    seen.add(button.index);
    components.push({ type: 'button', sub_type: button.type, index: String(button.index), parameters: [buttonParameter(`buttons[${i}]`, button)] });
  }
  const message: OutboundMessage = { type: 'template', template: { name, language: { code: languageCode } } };
  if (components.length) message.template.components = components;
  return withCommon(message, spec);
}, standInMessage);

/** The text a template parameter stands for (what the user reads); undefined for media parameters. */
export function templateParameterText(p: TemplateParameter): string | undefined {
  switch (p.type) {
    case 'text':
      return p.text;
    case 'currency':
      return p.currency.fallback_value;
    case 'date_time':
      return p.date_time.fallback_value;
    case 'payload':
      return p.payload;
    case 'coupon_code':
      return p.coupon_code;
    default:
      return undefined;
  }
}
