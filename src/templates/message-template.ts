/**
 * A message template as the Graph API lists it (`GET /{waba-id}/message_templates`), reduced to what
 * a send is checked against. Field names are Meta's:
 * https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates/
 */
export interface MessageTemplate {
  id?: string;
  name: string;
  /** Language and locale code, e.g. `en_US`. */
  language: string;
  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, … */
  status: string;
  category?: string;
  /** NAMED (`{{first_name}}`) or POSITIONAL (`{{1}}`); absent on older templates (positional). */
  parameter_format?: 'NAMED' | 'POSITIONAL';
  components: TemplateDefinitionComponent[];
}

/** One button of an approved template, as the Graph API lists it. */
export interface TemplateDefinitionButton {
  /** QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, FLOW, CATALOG, MPM, OTP, … */
  type: string;
  text?: string;
  /** URL buttons: the URL, with `{{1}}` where the suffix goes when it is dynamic. */
  url?: string;
  phone_number?: string;
  flow_id?: string | number;
  example?: unknown;
}

/** One component (header, body, footer, buttons) of an approved template, as the Graph API lists it. */
export interface TemplateDefinitionComponent {
  /** HEADER, BODY, FOOTER, BUTTONS (Meta's casing). */
  type: string;
  /** Header format: TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION. */
  format?: string;
  text?: string;
  buttons?: TemplateDefinitionButton[];
  example?: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * Reads one template of a Graph API answer; undefined when it lacks a name or language (such an
 * entry cannot be matched to a send, so it is left out rather than guessed).
 */
export function parseMessageTemplate(raw: unknown): MessageTemplate | undefined {
  if (!isObj(raw)) return undefined;
  const name = str(raw.name);
  const language = str(raw.language);
  if (!name || !language) return undefined;
  const template: MessageTemplate = {
    name,
    language,
    status: (str(raw.status) ?? 'UNKNOWN').toUpperCase(),
    components: (Array.isArray(raw.components) ? raw.components : []).filter(isObj).map((c): TemplateDefinitionComponent => {
      const component: TemplateDefinitionComponent = { type: (str(c.type) ?? '').toUpperCase() };
      const format = str(c.format);
      if (format) component.format = format.toUpperCase();
      const text = str(c.text);
      if (text !== undefined) component.text = text;
      if (Array.isArray(c.buttons)) {
        component.buttons = c.buttons.filter(isObj).map((b): TemplateDefinitionButton => {
          const button: TemplateDefinitionButton = { type: (str(b.type) ?? '').toUpperCase() };
          for (const key of ['text', 'url', 'phone_number'] as const) {
            const value = str(b[key]);
            if (value !== undefined) button[key] = value;
          }
          const flowId = str(b.flow_id);
          if (flowId !== undefined) button.flow_id = flowId;
          return button;
        });
      }
      return component;
    }),
  };
  const id = str(raw.id);
  if (id) template.id = id;
  const category = str(raw.category);
  if (category) template.category = category;
  const format = str(raw.parameter_format)?.toUpperCase();
  if (format === 'NAMED' || format === 'POSITIONAL') template.parameter_format = format;
  return template;
}

/** The placeholders of a template text, in order of first appearance (`{{1}}` → `1`, `{{name}}` → `name`). */
export function placeholders(text: string | undefined): string[] {
  const names: string[] = [];
  for (const match of (text ?? '').matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    const name = match[1] ?? '';
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Whether a template's parameters are named; older templates have no `parameter_format` and use numbers. */
export function usesNamedParameters(template: MessageTemplate): boolean {
  if (template.parameter_format) return template.parameter_format === 'NAMED';
  return template.components.some((c) => placeholders(c.text).some((p) => !/^\d+$/.test(p)));
}

/** One line per parameter a send must fill: what `chartbot templates` prints. */
export function describeParameters(template: MessageTemplate): string[] {
  const lines: string[] = [];
  const named = usesNamedParameters(template);
  for (const component of template.components) {
    if (component.type === 'HEADER') {
      if (component.format && component.format !== 'TEXT') lines.push(`header: ${component.format.toLowerCase()} (required)`);
      else for (const p of placeholders(component.text)) lines.push(`header: text {{${p}}}${named ? ` (named: ${p})` : ''}`);
    } else if (component.type === 'BODY') {
      const ps = placeholders(component.text);
      if (ps.length) lines.push(`body: ${ps.length} ${named ? 'named' : 'positional'} parameter${ps.length === 1 ? '' : 's'}: ${ps.map((p) => `{{${p}}}`).join(', ')}`);
    } else if (component.type === 'BUTTONS') {
      (component.buttons ?? []).forEach((button, index) => {
        const label = button.text ? ` "${button.text}"` : '';
        if (button.type === 'URL' && placeholders(button.url).length) lines.push(`button ${index} url${label}: suffix for ${button.url ?? ''}`);
        else if (button.type === 'COPY_CODE') lines.push(`button ${index} copy_code${label}: code (≤ 15 characters)`);
        else if (button.type === 'OTP') lines.push(`button ${index} otp${label}: the code (as a url parameter)`);
        else if (button.type === 'QUICK_REPLY') lines.push(`button ${index} quick_reply${label}: payload (optional)`);
        else if (button.type === 'FLOW') lines.push(`button ${index} flow${label}: flow_token, first-screen data (optional)`);
        else if (button.type === 'CATALOG' || button.type === 'MPM') lines.push(`button ${index} ${button.type.toLowerCase()}${label}: thumbnail product (optional)`);
        else lines.push(`button ${index} ${button.type.toLowerCase()}${label}: no parameter`);
      });
    }
  }
  return lines;
}
