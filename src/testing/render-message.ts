import type { InteractiveHeader, MediaSource, OutboundMessage, TemplateComponent, TemplateParameter } from '../messages/outbound.ts';
import { templateParameterText } from '../messages/template-builders.ts';

/** A reply button or list row the user can tap. */
export interface Choice {
  kind: 'button' | 'row';
  id: string;
  title: string;
  description?: string;
}

/** The buttons or list rows a message offers (empty for other messages). */
export function choicesOf(message: OutboundMessage): Choice[] {
  if (message.type !== 'interactive') return [];
  const i = message.interactive;
  if (i.type === 'button') return i.action.buttons.map((b) => ({ kind: 'button', id: b.reply.id, title: b.reply.title }));
  if (i.type === 'list') {
    return i.action.sections.flatMap((s) =>
      s.rows.map((r) => ({ kind: 'row' as const, id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })),
    );
  }
  return [];
}

function parameterText(p: TemplateParameter, component: TemplateComponent): string {
  // Catalog and Flow buttons carry an action, not text: say which button it is.
  if (p.type === 'action' && component.type === 'button') {
    return component.sub_type === 'catalog' ? `[View catalog${p.action.thumbnail_product_retailer_id ? `: ${p.action.thumbnail_product_retailer_id}` : ''}]` : `[${component.sub_type}]`;
  }
  return templateParameterText(p) ?? `<${p.type}>`;
}

function media(source: { link?: string; id?: string }): string {
  return source.link ?? `media ${source.id ?? '?'}`;
}

function headerMedia(header: Exclude<InteractiveHeader, { type: 'text' }>): MediaSource {
  return header.type === 'image' ? header.image : header.type === 'video' ? header.video : header.document;
}

/** Options of `renderMessage`. */
export interface RenderOptions {
  /** Number buttons and rows (`1) FAQ`) for the terminal simulator, starting at this number. */
  numberFrom?: number;
}

/**
 * A message as a few readable lines: what transcripts compare, what failure messages show and what
 * the terminal simulator prints. The first line starts with `bot: `; details are indented.
 *
 * ```
 * bot: Hi Anna! How can we help you today?
 *   [FAQ] [Open a ticket] [Talk to a person]
 * bot: Which pizza?
 *   list [Menu]: Margherita (tomato, mozzarella) | Diavola (spicy salami)
 * ```
 */
export function renderMessage(message: OutboundMessage, options: RenderOptions = {}): string[] {
  const lines: string[] = [];
  const body = (text: string) => {
    const [first = '', ...rest] = text.split('\n');
    lines.push(`bot: ${first}`);
    for (const line of rest) lines.push(`  ${line}`);
  };
  let n = options.numberFrom;
  const label = (title: string) => (n === undefined ? `[${title}]` : `${n++}) ${title}`);
  switch (message.type) {
    case 'text':
      body(message.text.body);
      break;
    case 'interactive': {
      const i = message.interactive;
      const header = 'header' in i ? i.header : undefined;
      if (header?.type === 'text') lines.push(`bot: *${header.text}*`);
      else if (header) lines.push(`bot: (${header.type} header: ${media(headerMedia(header))})`);
      if (i.body) {
        if (lines.length > 0) lines.push(...i.body.text.split('\n').map((l) => `  ${l}`));
        else body(i.body.text);
      }
      switch (i.type) {
        case 'button':
          lines.push(`  ${i.action.buttons.map((b) => label(b.reply.title)).join(n === undefined ? ' ' : '  ')}`);
          break;
        case 'list':
          if (n === undefined) {
            const sections = i.action.sections.map(
              // A row's description is shown (and so asserted by transcripts) in parentheses, as chat shows it.
              (s) => (s.title && i.action.sections.length > 1 ? `${s.title}: ` : '') + s.rows.map((r) => r.title + (r.description ? ` (${r.description})` : '')).join(' | '),
            );
            lines.push(`  list [${i.action.button}]: ${sections.join('; ')}`);
          } else {
            lines.push(`  list [${i.action.button}]:`);
            for (const s of i.action.sections) {
              if (s.title && i.action.sections.length > 1) lines.push(`   ${s.title}`);
              for (const r of s.rows) lines.push(`    ${label(r.title)}${r.description ? ` (${r.description})` : ''}`);
            }
          }
          break;
        case 'flow':
          lines.push(`  form [${i.action.parameters.flow_cta}]`);
          break;
        case 'cta_url':
          lines.push(`  link [${i.action.parameters.display_text}]: ${i.action.parameters.url}`);
          break;
        case 'location_request_message':
          lines.push('  [Send location]');
          break;
        case 'product':
          if (!i.body) lines.push(`bot: product ${i.action.product_retailer_id}`);
          else lines.push(`  product ${i.action.product_retailer_id}`);
          lines.push(`  [View] (catalog ${i.action.catalog_id})`);
          break;
        case 'product_list':
          for (const s of i.action.sections) lines.push(`  ${s.title}: ${s.product_items.map((p) => p.product_retailer_id).join(', ')}`);
          lines.push(`  [View items] (catalog ${i.action.catalog_id})`);
          break;
        case 'catalog_message':
          lines.push(`  [View catalog] (thumbnail ${i.action.parameters.thumbnail_product_retailer_id})`);
          break;
        case 'order_details': {
          const p = i.action.parameters;
          const money = (a: { value: number; offset: number }) => `${(a.value / a.offset).toFixed(2)} ${p.currency}`;
          lines.push(`  order ${p.reference_id}:`);
          for (const item of p.order.items) lines.push(`    ${item.quantity} × ${item.name} (${item.retailer_id}) ${money(item.sale_amount ?? item.amount)}`);
          lines.push(`    total ${money(p.total_amount)}`);
          lines.push('  [Review and pay]');
          break;
        }
        case 'order_status': {
          const p = i.action.parameters;
          lines.push(`  order ${p.reference_id}: ${p.order.status}${p.order.description ? ` (${p.order.description})` : ''}`);
          break;
        }
      }
      if (i.footer) lines.push(`  _${i.footer.text}_`);
      break;
    }
    case 'template': {
      const t = message.template;
      const params = (t.components ?? []).flatMap((c) => c.parameters.map((p) => parameterText(p, c)));
      lines.push(`bot: template ${t.name} (${t.language.code})${params.length ? `: ${params.join(' | ')}` : ''}`);
      break;
    }
    case 'image':
    case 'video':
    case 'document': {
      const m: { link?: string; id?: string; caption?: string; filename?: string } =
        message.type === 'image' ? message.image : message.type === 'video' ? message.video : message.document;
      lines.push(`bot: ${message.type} ${media(m)}${m.filename ? ` (${m.filename})` : ''}`);
      if (m.caption) lines.push(...m.caption.split('\n').map((l) => `  ${l}`));
      break;
    }
    case 'audio':
    case 'sticker':
      lines.push(`bot: ${message.type} ${media(message.type === 'audio' ? message.audio : message.sticker)}`);
      break;
    case 'location': {
      const l = message.location;
      lines.push(`bot: location ${l.latitude}, ${l.longitude}${l.name ? ` ${l.name}` : ''}${l.address ? `, ${l.address}` : ''}`);
      break;
    }
    case 'reaction':
      lines.push(`bot: reacts ${message.reaction.emoji || '(removed)'}`);
      break;
    case 'contacts':
      lines.push(`bot: contact card ${JSON.stringify(message.contacts)}`);
      break;
  }
  return lines;
}
