import type { OutboundMessage, TemplateComponent, TemplateParameter } from '../messages/outbound.ts';
import { placeholders, usesNamedParameters, type MessageTemplate, type TemplateDefinitionButton } from './message-template.ts';

/**
 * Checks a template send against the business's templates before any HTTP call, catching what
 * WhatsApp would refuse with error 132000 and its neighbours. Codes and wording follow
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes so a flow handles a
 * local refusal (`bot.failed`) exactly like one from WhatsApp.
 */

/** One way a send does not fit its template. */
export interface TemplateProblem {
  template: string;
  language: string;
  /** `template`, `header`, `body`, `button 1`, … */
  component: string;
  expected: string;
  got: string;
  /** The WhatsApp error code this would have been (132000, 132001, 132012, 132015, 132016, 132018). */
  code: number;
}

/** The problem as one sentence: template, language, component, what was expected. */
export function describeProblem(p: TemplateProblem): string {
  return `template ${p.template} (${p.language}), ${p.component}: expected ${p.expected}, got ${p.got}`;
}

const CODE = {
  /** Number of parameters does not match the expected number of params. */
  count: 132000,
  /** Template name does not exist in the translation (also: not approved). */
  missing: 132001,
  /** Parameter format mismatch. */
  format: 132012,
  paused: 132015,
  disabled: 132016,
  /** Parameter text: no new-line or tab characters, no more than 4 consecutive spaces. */
  content: 132018,
} as const;

const MEDIA = ['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'];
/** Longest URL a dynamic URL button may produce (Meta's URL button limit). */
const URL_MAX = 2000;
/** Longest copy code: https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates/copy-code-templates */
const COPY_CODE_MAX = 15;

const describeParam = (p: TemplateParameter): string => (p.type === 'text' && p.parameter_name ? `text "${p.parameter_name}"` : p.type);
const list = (names: string[]): string => names.map((n) => `{{${n}}}`).join(', ') || 'none';

/**
 * Problems of `message` against `templates` (empty: it fits, or it is not a template). Pure: the
 * same templates and message always give the same answer, so `chartbot lint` can call it on a flow's
 * static replies.
 */
export function checkTemplateSend(templates: readonly MessageTemplate[], message: OutboundMessage): TemplateProblem[] {
  if (message.type !== 'template') return [];
  const sent = message.template;
  const language = sent.language.code;
  const problems: TemplateProblem[] = [];
  const problem = (component: string, expected: string, got: string, code: number): void => {
    problems.push({ template: sent.name, language, component, expected, got, code });
  };
  const sameName = templates.filter((t) => t.name === sent.name);
  if (sameName.length === 0) {
    problem('template', 'a template of that name in the business account', 'no such template', CODE.missing);
    return problems;
  }
  const definition = sameName.find((t) => t.language === language);
  if (!definition) {
    problem('template', `a translation in ${language}`, `only ${sameName.map((t) => t.language).sort().join(', ')}`, CODE.missing);
    return problems;
  }
  if (definition.status !== 'APPROVED') {
    const code = definition.status === 'PAUSED' ? CODE.paused : definition.status === 'DISABLED' ? CODE.disabled : CODE.missing;
    problem('template', 'status APPROVED', `status ${definition.status}`, code);
    return problems;
  }
  const named = usesNamedParameters(definition);
  const sentComponents = sent.components ?? [];
  checkHeader(definition, sentComponents.filter((c) => c.type === 'header'), named, problem);
  checkBody(definition, sentComponents.filter((c) => c.type === 'body'), named, problem);
  checkButtons(definition, sentComponents.filter((c): c is Extract<TemplateComponent, { type: 'button' }> => c.type === 'button'), problem);
  return problems;
}

type Report = (component: string, expected: string, got: string, code: number) => void;

function checkText(component: string, p: TemplateParameter, report: Report): void {
  if (p.type !== 'text') return;
  if (/[\n\t]/.test(p.text) || / {5,}/.test(p.text)) {
    report(component, 'text without new lines, tabs or more than 4 consecutive spaces', JSON.stringify(p.text), CODE.content);
  }
}

/** Named templates take `parameter_name` on every text parameter; positional ones on none. */
function checkNames(component: string, params: TemplateParameter[], expected: string[], named: boolean, report: Report): void {
  if (named) {
    const given = params.map((p) => (p.type === 'text' ? p.parameter_name : undefined));
    if (given.some((n) => n === undefined)) {
      report(component, `named parameters ${list(expected)} (the template uses named parameters: pass { name: value })`, `${params.length} positional`, CODE.format);
      return;
    }
    const missing = expected.filter((n) => !given.includes(n));
    const extra = given.filter((n): n is string => n !== undefined && !expected.includes(n));
    if (missing.length || extra.length) report(component, `named parameters ${list(expected)}`, `${list(given.filter((n): n is string => n !== undefined))}`, CODE.count);
  } else {
    if (params.some((p) => p.type === 'text' && p.parameter_name !== undefined)) {
      report(component, `${expected.length} positional parameter(s) ${list(expected)} (the template uses numbers: pass an array)`, 'named parameters', CODE.format);
      return;
    }
    if (params.length !== expected.length) report(component, `${expected.length} parameter(s) ${list(expected)}`, `${params.length}`, CODE.count);
  }
}

function checkHeader(definition: MessageTemplate, sent: TemplateComponent[], named: boolean, report: Report): void {
  const header = definition.components.find((c) => c.type === 'HEADER');
  const params = sent.flatMap((c) => c.parameters);
  const format = header?.format ?? 'TEXT';
  if (header && MEDIA.includes(format)) {
    const kind = format.toLowerCase();
    if (params.length !== 1 || params[0]?.type !== kind) report('header', `one ${kind} parameter`, params.length ? params.map(describeParam).join(', ') : 'none', params.length === 1 ? CODE.format : CODE.count);
    return;
  }
  const expected = placeholders(header?.text);
  if (expected.length === 0) {
    if (params.length) report('header', header ? 'no parameter (the header text is fixed)' : 'no header (the template has none)', params.map(describeParam).join(', '), CODE.count);
    return;
  }
  if (params.some((p) => p.type !== 'text')) {
    report('header', 'a text parameter', params.map(describeParam).join(', '), CODE.format);
    return;
  }
  checkNames('header', params, expected, named, report);
  params.forEach((p) => checkText('header', p, report));
}

function checkBody(definition: MessageTemplate, sent: TemplateComponent[], named: boolean, report: Report): void {
  const body = definition.components.find((c) => c.type === 'BODY');
  const expected = placeholders(body?.text);
  const params = sent.flatMap((c) => c.parameters);
  const allowed = named ? ['text'] : ['text', 'currency', 'date_time'];
  const wrong = params.filter((p) => !allowed.includes(p.type));
  if (wrong.length) report('body', `${allowed.join(', ')} parameters`, wrong.map(describeParam).join(', '), CODE.format);
  checkNames('body', params, expected, named, report);
  params.forEach((p) => checkText('body', p, report));
}

/** The send's sub_type each template button type takes (OTP codes go in as a url parameter). */
const SUB_TYPE: Record<string, string> = { QUICK_REPLY: 'quick_reply', URL: 'url', COPY_CODE: 'copy_code', FLOW: 'flow', CATALOG: 'catalog', MPM: 'mpm', OTP: 'url' };

function checkButtons(definition: MessageTemplate, sent: Array<Extract<TemplateComponent, { type: 'button' }>>, report: Report): void {
  const buttons: TemplateDefinitionButton[] = definition.components.filter((c) => c.type === 'BUTTONS').flatMap((c) => c.buttons ?? []);
  const byIndex = new Map(sent.map((c) => [Number(c.index), c]));
  for (const [index, component] of byIndex) {
    const button = buttons[index];
    if (!button) report(`button ${index}`, `a button at index ${index} (the template has ${buttons.length})`, component.sub_type, CODE.count);
  }
  buttons.forEach((button, index) => {
    const name = `button ${index}`;
    const given = byIndex.get(index);
    const expectedSubType = SUB_TYPE[button.type];
    const dynamicUrl = button.type === 'URL' && placeholders(button.url).length > 0;
    const required = dynamicUrl || button.type === 'COPY_CODE' || button.type === 'OTP';
    if (!given) {
      if (required) report(name, `a ${expectedSubType} parameter (${button.type === 'URL' ? `suffix for ${button.url ?? ''}` : 'the code'})`, 'none', CODE.count);
      return;
    }
    if (!expectedSubType || (button.type === 'URL' && !dynamicUrl)) {
      report(name, `no parameter (a ${button.type.toLowerCase()} button${button.type === 'URL' ? ' with a fixed URL' : ''})`, `${given.sub_type} parameter`, CODE.count);
      return;
    }
    if (given.sub_type !== expectedSubType) {
      report(name, `sub_type ${expectedSubType} (a ${button.type.toLowerCase()} button)`, `sub_type ${given.sub_type}`, CODE.format);
      return;
    }
    const [param, ...more] = given.parameters;
    if (!param || more.length) {
      report(name, 'exactly one parameter', `${given.parameters.length}`, CODE.count);
      return;
    }
    if (expectedSubType === 'url') {
      if (param.type !== 'text') return report(name, 'a text parameter (the URL suffix)', param.type, CODE.format);
      const url = (button.url ?? '').replace(/\{\{\s*[A-Za-z0-9_]+\s*\}\}/, param.text);
      if (button.type === 'URL' && (url.length > URL_MAX || !URL.canParse(url))) report(name, `a suffix that makes a valid URL of at most ${URL_MAX} characters from ${button.url ?? ''}`, JSON.stringify(param.text), CODE.content);
      if (/\s/.test(param.text)) report(name, 'a suffix without spaces', JSON.stringify(param.text), CODE.content);
    } else if (expectedSubType === 'copy_code') {
      if (param.type !== 'coupon_code') return report(name, 'a coupon_code parameter', param.type, CODE.format);
      if ([...param.coupon_code].length > COPY_CODE_MAX || param.coupon_code.length === 0) report(name, `a code of 1-${COPY_CODE_MAX} characters`, JSON.stringify(param.coupon_code), CODE.content);
    } else if (expectedSubType === 'quick_reply') {
      if (param.type !== 'payload') report(name, 'a payload parameter', param.type, CODE.format);
    } else if (param.type !== 'action') {
      report(name, 'an action parameter', param.type, CODE.format);
    }
  });
}
