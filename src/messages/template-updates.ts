import { copyStrings, type Obj } from './webhook-values.ts';

/** A `message_template_status_update` (or components/category update) webhook change. */
export interface TemplateUpdate {
  field: string;
  /** APPROVED, REJECTED, PAUSED, DISABLED, … (status updates). */
  event?: string;
  templateId?: string;
  name?: string;
  language?: string;
  reason?: string;
}

/** Webhook fields that say a template changed (https://developers.facebook.com/docs/graph-api/webhooks/reference/whatsapp-business-account/). */
const TEMPLATE_FIELDS = new Set(['message_template_status_update', 'message_template_components_update', 'template_category_update', 'message_template_quality_update']);

/** The template change a webhook change reports, or undefined when its field is not about templates. */
export function parseTemplateUpdate(field: string | undefined, value: Obj): TemplateUpdate | undefined {
  if (field === undefined || !TEMPLATE_FIELDS.has(field)) return undefined;
  const update: TemplateUpdate = { field };
  const pairs: Array<[Exclude<keyof TemplateUpdate, 'field'>, string]> = [
    ['event', 'event'],
    ['templateId', 'message_template_id'],
    ['name', 'message_template_name'],
    ['language', 'message_template_language'],
    ['reason', 'reason'],
  ];
  copyStrings(update, value, pairs);
  return update;
}
