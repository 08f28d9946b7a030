import type { FlowInteractive, OutboundMessage } from './outbound.ts';
import { bodyText, decorate, deferrable, maxLength, MessageLimitError, standIn, withCommon, type TextHeaderOptions } from './builder-common.ts';

/** What `flowInvitation` needs: the text, the button label, which WhatsApp Flow, and its first screen. */
export interface FlowInvitationSpec extends TextHeaderOptions {
  body: string;
  /** The call-to-action button label (≤ 30 characters, no emoji). */
  cta: string;
  flowId?: string;
  flowName?: string;
  /**
   * Comes back as `flowToken` on the `user.flow` event. With `endpoint: true` it is your own tag,
   * carried inside the signed token chartbot issues (`tag` on `flow.exchange`).
   */
  flowToken?: string;
  /** First screen to open (`flow_action: navigate`). */
  screen?: string;
  data?: Record<string, unknown>;
  mode?: 'draft' | 'published';
  /**
   * The Flow talks to this bot's data endpoint (`POST /flows/endpoint`): chartbot issues a signed
   * `flow_token` naming this contact when the message is sent, and the Flow's requests arrive in
   * the contact's machine as `flow.exchange` events. Without `screen`, the Flow starts with an
   * `INIT` request (`flow_action: data_exchange`).
   */
  endpoint?: boolean;
}

/**
 * Placeholder `flow_token` of an invitation built with `endpoint: true`: replaced by a signed
 * token when the message is sent (src/flows-endpoint/flow-token.ts). `tag` is the author's own.
 */
export const FLOW_TOKEN_PLACEHOLDER = 'chartbot:flow-token';
export function flowTokenPlaceholder(tag?: string): string {
  return tag === undefined ? FLOW_TOKEN_PLACEHOLDER : `${FLOW_TOKEN_PLACEHOLDER}:${tag}`;
}

/**
 * Invites the user to fill in a WhatsApp Flow; the submission arrives as `user.flow`. The header
 * can only be text (https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow).
 */
export const flowInvitation = deferrable(function flowInvitation(spec: FlowInvitationSpec): OutboundMessage {
  // flow_id or flow_name, not both: spec `ActionObject` (flow parameters, oneOf).
  if (!spec.flowId && !spec.flowName) throw new MessageLimitError('flowId', 'flowId or flowName is required', undefined);
  if (spec.flowId && spec.flowName) throw new MessageLimitError('flowName', 'give flowId or flowName, not both', spec.flowName);
  // "Advised 30 characters or less, no emoji": spec `ActionObject` flow_cta (maxLength 30).
  if (/\p{Extended_Pictographic}/u.test(spec.cta)) throw new MessageLimitError('cta', 'must not contain emoji', spec.cta);
  const parameters: FlowInteractive['action']['parameters'] = {
    flow_message_version: '3',
    flow_cta: maxLength('cta', spec.cta, 30),
  };
  if (spec.flowId) parameters.flow_id = spec.flowId;
  if (spec.flowName) parameters.flow_name = spec.flowName;
  if (spec.endpoint) {
    if (spec.flowToken !== undefined) maxLength('flowToken', spec.flowToken, 64);
    parameters.flow_token = flowTokenPlaceholder(spec.flowToken);
  } else if (spec.flowToken) parameters.flow_token = spec.flowToken;
  if (spec.mode) parameters.mode = spec.mode;
  if (spec.screen) {
    parameters.flow_action = 'navigate';
    // `data` "must be a non-empty object": spec `ActionObject` flow_action_payload.data.
    if (spec.data !== undefined && Object.keys(spec.data).length === 0) throw new MessageLimitError('data', 'must be a non-empty object (or left out)', spec.data);
    parameters.flow_action_payload = spec.data ? { screen: spec.screen, data: spec.data } : { screen: spec.screen };
  } else if (spec.endpoint) {
    parameters.flow_action = 'data_exchange';
  } else if (spec.data !== undefined) {
    throw new MessageLimitError('data', 'needs a screen (data goes to the first screen)', spec.data);
  }
  const interactive: FlowInteractive = {
    type: 'flow',
    body: bodyText(spec.body),
    action: { name: 'flow', parameters },
  };
  decorate(interactive, spec, ['text'], 'flow');
  return withCommon({ type: 'interactive', interactive }, spec);
}, standIn);
