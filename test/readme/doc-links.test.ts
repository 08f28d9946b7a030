import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docPage, docPages } from './doc-pages.ts';

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchors(text: string): Set<string> {
  const withoutCode = text.replace(/```[\s\S]*?```/g, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => slug(heading!)));
}

describe('links between README.md and docs/*.md', () => {
  it('every relative link names a file that exists, and an anchor that is a heading there', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const page of docPages()) {
      const prose = page.text.replace(/```[\s\S]*?```/g, '');
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue; // https:, mailto:
        checked++;
        const [file, anchor] = target!.split('#');
        const path = file ? normalize(join(dirname(page.path), file)) : page.path;
        if (!existsSync(path)) broken.push(`${page.path}: ${target} (no file ${path})`);
        else if (anchor && path.endsWith('.md') && !anchors(docPage(path)).has(anchor)) broken.push(`${page.path}: ${target} (no heading #${anchor} in ${path})`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });

  it('every test, source, bench or script path a page names exists', () => {
    const missing: string[] = [];
    for (const page of docPages()) {
      for (const [, path] of page.text.matchAll(/`((?:test|src|bench|scripts)\/[^`\s<>*{}]+?)`/g)) {
        if (!existsSync(path!)) missing.push(`${page.path}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every page of docs/ starts with what the reader will be able to do', () => {
    for (const page of docPages().filter((p) => p.path.startsWith('docs/'))) {
      const firstParagraph = page.text.split('\n\n')[1] ?? '';
      // "With this page you will be able to …" here; pages from other work may word it their own way.
      expect(firstParagraph, `${page.path}: its first paragraph should say what the reader will be able to do`).toMatch(/\b(able to|you can|lets you|you will)\b/i);
    }
  });
});
