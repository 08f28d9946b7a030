import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A page of the guide: README.md or one of docs/*.md, with its text. */
export interface DocPage {
  path: string;
  text: string;
}

/** README.md and every docs/*.md, read now (pages other work adds are included automatically). */
export function docPages(): DocPage[] {
  const docs = readdirSync('docs')
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join('docs', name));
  return ['README.md', ...docs].map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

/** One page, e.g. `docPage('docs/testing.md')`. */
export function docPage(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Every block preceded by `<!-- example: path -->`: the file it claims to be, its language and body. */
export function exampleBlocks(text: string): { file: string; lang: string; body: string }[] {
  return [...text.matchAll(/<!-- example: (\S+) -->\n```(\w+)\n([\s\S]*?)```/g)].map(([, file, lang, body]) => ({
    file: file!,
    lang: lang!,
    body: body!,
  }));
}
