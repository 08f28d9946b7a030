import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));

/**
 * The page is served from this process only: no CDN, no font or script from elsewhere, so it works
 * offline. The Content-Security-Policy says so to the browser too.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chartbot studio</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/studio.css">
</head>
<body>
<div id="app"><p class="booting">Loading chartbot studio…</p></div>
<script type="module" src="/assets/studio.js"></script>
</body>
</html>
`;

let script: Promise<string> | undefined;

/**
 * The page's script: src/studio/page bundled with preact from node_modules by esbuild, once per
 * process (about 50 ms), at the first request.
 */
export function pageScript(): Promise<string> {
  script ??= (async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [`${PAGE_DIR}main.tsx`],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      tsconfigRaw: { compilerOptions: { jsx: 'react-jsx', jsxImportSource: 'preact' } },
      minify: true,
      legalComments: 'inline',
      logLevel: 'silent',
    });
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no bundle for the studio page');
    return file.text;
  })();
  script.catch(() => (script = undefined)); // a failed build is retried at the next request
  return script;
}

export function pageStyles(): Promise<string> {
  return readFile(`${PAGE_DIR}styles.css`, 'utf8');
}
