import { cloudError, networkError } from '../providers/cloud-errors.ts';
import { CLOUD_API_DEFAULT_URL } from '../providers/cloud-api.ts';
import type { HttpClient, HttpResponse } from '../providers/http-client.ts';
import { parseMessageTemplate, type MessageTemplate } from './message-template.ts';

/** The Graph API request that lists a business account's message templates. */
export interface TemplateListSource {
  /** The WhatsApp Business Account id (WHATSAPP_BUSINESS_ACCOUNT_ID), not a phone number id. */
  wabaId: string;
  /** A token allowed to read the account's templates (`whatsapp_business_management`). */
  token: string;
  /** Graph API base URL including the version (default https://graph.facebook.com/v23.0). */
  baseUrl?: string;
}

/** Pages followed at most: 100 templates a page, so 50,000 templates; past that the list is cut, loudly. */
const MAX_PAGES = 500;
const FIELDS = 'name,language,status,category,parameter_format,components';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every template of a business account: `GET /{waba-id}/message_templates`, following `paging.next`
 * (https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates/).
 * Throws a ProviderError (with Meta's code) when a page cannot be read.
 */
export async function fetchMessageTemplates(source: TemplateListSource, http: HttpClient): Promise<MessageTemplate[]> {
  const base = (source.baseUrl ?? CLOUD_API_DEFAULT_URL).replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${source.token}` };
  let url: string | undefined = `${base}/${encodeURIComponent(source.wabaId)}/message_templates?fields=${FIELDS}&limit=100`;
  const templates: MessageTemplate[] = [];
  for (let page = 0; url !== undefined; page++) {
    if (page === MAX_PAGES) throw new Error(`message_templates: more than ${MAX_PAGES} pages; refusing to read further`);
    let res: HttpResponse;
    try {
      res = await http.call({ method: 'GET', url, headers });
    } catch (cause) {
      throw networkError('graph', 'list message templates', cause);
    }
    if (res.status < 200 || res.status >= 300) throw cloudError('graph', 'list message templates', res);
    const body = isObj(res.body) ? res.body : {};
    for (const raw of Array.isArray(body.data) ? body.data : []) {
      const template = parseMessageTemplate(raw);
      if (template) templates.push(template);
    }
    const next = isObj(body.paging) ? body.paging.next : undefined;
    // Meta's `next` is an absolute URL on its host; a test server hands out its own.
    url = typeof next === 'string' && next !== url ? next : undefined;
  }
  return templates;
}
