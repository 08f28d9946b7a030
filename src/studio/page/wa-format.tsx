import type { ComponentChildren } from 'preact';

const MARKERS: Record<string, (children: ComponentChildren, key: number) => ComponentChildren> = {
  '*': (c, key) => <strong key={key}>{c}</strong>,
  _: (c, key) => <em key={key}>{c}</em>,
  '~': (c, key) => <s key={key}>{c}</s>,
  '`': (c, key) => <code key={key}>{c}</code>,
};

// A marker pair around text that neither starts nor ends with a space, e.g. *bold*, _it_, ~no~, `code`.
const INLINE = /([*_~`])(\S(?:[^\n]*?\S)?)\1/g;

/** WhatsApp's inline styles; a marker inside a word (snake_case_names) is not one. */
export function inline(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const before = text[start - 1];
    const after = text[end];
    if ((before && /[\p{L}\p{N}]/u.test(before)) || (after && /[\p{L}\p{N}]/u.test(after))) continue;
    if (start < last) continue;
    out.push(text.slice(last, start));
    const marker = match[1] as string;
    const inner = match[2] as string;
    const render = MARKERS[marker] as (c: ComponentChildren, key: number) => ComponentChildren;
    out.push(render(marker === '`' ? inner : inline(inner), start));
    last = end;
  }
  out.push(text.slice(last));
  return out;
}

type Block = { kind: 'p' | 'quote' | 'ul' | 'ol'; lines: string[] } | { kind: 'code'; text: string };

function blocks(text: string): Block[] {
  const result: Block[] = [];
  const parts = text.split('```');
  parts.forEach((part, i) => {
    // Odd parts are inside ``` fences (an unclosed fence is plain text).
    if (i % 2 === 1 && i < parts.length - 1) {
      result.push({ kind: 'code', text: part.replace(/^\n|\n$/g, '') });
      return;
    }
    const chunk = i % 2 === 1 ? '```' + part : part;
    for (const line of chunk.split('\n')) {
      const kind = /^> /.test(line) ? 'quote' : /^[-*] /.test(line) ? 'ul' : /^\d+\. /.test(line) ? 'ol' : 'p';
      const content = kind === 'p' ? line : line.replace(/^(> |[-*] |\d+\. )/, '');
      const previous = result.at(-1);
      if (previous && previous.kind === kind) previous.lines.push(content);
      else result.push({ kind, lines: [content] } as Block);
    }
  });
  return result;
}

/** A message text with WhatsApp's formatting: *bold*, _italic_, ~strikethrough~, `code`, ``` blocks, quotes and lists. */
export function WhatsAppText({ text }: { text: string }) {
  return (
    <div class="wa-text">
      {blocks(text).map((block, i) => {
        switch (block.kind) {
          case 'code':
            return (
              <pre key={i}>
                <code>{block.text}</code>
              </pre>
            );
          case 'quote':
            return <blockquote key={i}>{block.lines.map((l, j) => [j > 0 ? <br /> : null, inline(l)])}</blockquote>;
          case 'ul':
          case 'ol': {
            const List = block.kind;
            return (
              <List key={i}>
                {block.lines.map((l, j) => (
                  <li key={j}>{inline(l)}</li>
                ))}
              </List>
            );
          }
          default:
            return <p key={i}>{block.lines.map((l, j) => [j > 0 ? <br /> : null, inline(l)])}</p>;
        }
      })}
    </div>
  );
}
