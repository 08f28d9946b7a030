import type { InboundBase, UserEvent } from './inbound-events.ts';
import { jsonTooDeep } from '../webhook/json-limits.ts';
import { isObj, obj, str, type Obj } from './webhook-values.ts';

/** `response_json` is a JSON string in Meta's payloads and an object in some gateways' docs. */
function parseFlowResponse(v: unknown): Obj {
  if (isObj(v)) return v;
  if (typeof v === 'string') {
    // A nested-JSON bomb inside the string would later overflow the stack when the event is saved.
    if (jsonTooDeep(v)) return { raw: v };
    try {
      const parsed: unknown = JSON.parse(v);
      if (isObj(parsed)) return parsed;
    } catch {
      // fall through: keep the text so the flow author can still see what arrived
    }
    return { raw: v };
  }
  return {};
}

/** An `interactive` message: a reply-button tap, a list pick or a WhatsApp Flow completion (undefined: another kind). */
export function parseInteractive(i: Obj, base: InboundBase): UserEvent | undefined {
  switch (str(i.type)) {
    case 'button_reply': {
      const r = obj(i.button_reply);
      return { ...base, type: 'user.button', id: str(r.id) ?? '', title: str(r.title) ?? '' };
    }
    case 'list_reply': {
      const r = obj(i.list_reply);
      const event: UserEvent = { ...base, type: 'user.list', id: str(r.id) ?? '', title: str(r.title) ?? '' };
      const description = str(r.description);
      if (description !== undefined) event.description = description;
      return event;
    }
    case 'nfm_reply': {
      const r = obj(i.nfm_reply);
      const response = parseFlowResponse(r.response_json);
      const event: UserEvent = { ...base, type: 'user.flow', response };
      const flowToken = str(response.flow_token);
      if (flowToken !== undefined) event.flowToken = flowToken;
      const name = str(r.name);
      if (name !== undefined) event.name = name;
      const body = str(r.body);
      if (body !== undefined) event.body = body;
      return event;
    }
    default:
      return undefined;
  }
}
