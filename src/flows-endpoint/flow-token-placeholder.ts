import { FLOW_TOKEN_PLACEHOLDER } from '../messages/builders.ts';
import type { OutboundMessage } from '../messages/outbound.ts';

/**
 * Where a Flow invitation built with `endpoint: true` waits for its signed token: the interactive
 * Flow's `flow_token`, or a template Flow button's `action.flow_token`. The token names the contact,
 * which only the send knows, so the sender stamps it (flow-token.ts).
 */

/** The author's tag inside a placeholder (`chartbot:flow-token:<tag>`), '' for none; undefined: not a placeholder. */
export function placeholderTag(token: string | undefined): string | undefined {
  if (token === FLOW_TOKEN_PLACEHOLDER) return '';
  if (token?.startsWith(`${FLOW_TOKEN_PLACEHOLDER}:`)) return token.slice(FLOW_TOKEN_PLACEHOLDER.length + 1);
  return undefined;
}

/** Whether the message carries a placeholder the sender must replace. */
export function needsFlowToken(message: OutboundMessage): boolean {
  let found = false;
  replaceFlowTokens(message, (tag) => ((found = true), tag));
  return found;
}

/** A copy of `message` with every placeholder replaced by `issue(tag)`; the message itself is left as is. */
export function replaceFlowTokens(message: OutboundMessage, issue: (tag: string) => string): OutboundMessage {
  if (message.type === 'interactive' && message.interactive.type === 'flow') {
    const tag = placeholderTag(message.interactive.action.parameters.flow_token);
    if (tag === undefined) return message;
    const parameters = { ...message.interactive.action.parameters, flow_token: issue(tag) };
    return { ...message, interactive: { ...message.interactive, action: { ...message.interactive.action, parameters } } };
  }
  if (message.type === 'template' && message.template.components) {
    let changed = false;
    const components = message.template.components.map((component) => {
      if (component.type !== 'button' || component.sub_type !== 'flow') return component;
      const parameters = component.parameters.map((p) => {
        const tag = p.type === 'action' ? placeholderTag(p.action.flow_token) : undefined;
        if (p.type !== 'action' || tag === undefined) return p;
        changed = true;
        return { ...p, action: { ...p.action, flow_token: issue(tag) } };
      });
      return { ...component, parameters };
    });
    return changed ? { ...message, template: { ...message.template, components } } : message;
  }
  return message;
}
