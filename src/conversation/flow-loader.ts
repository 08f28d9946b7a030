import { register } from 'node:module';

/**
 * Set by whoever registered tsx already (bin/chartbot.js in a checkout of the repository), so that
 * flow loading does not register it a second time.
 */
export const TSX_REGISTERED = Symbol.for('chartbot.tsx-registered');

/**
 * Module hooks for flow files, run on Node's loader thread (so they are plain JavaScript, passed as
 * a data: URL like the worker sources elsewhere). A flow file can live in any folder:
 *  - `chartbot` and `chartbot/testing` always resolve to the chartbot that is loading the flow, so
 *    a flow's `reply`/`defineFlow` are the ones the runtime knows (one copy, whatever is installed
 *    next to the flow, or nothing at all);
 *  - any other bare import (`xstate`, …) resolves from the flow's folder first and, when nothing is
 *    installed there, from chartbot's own dependencies;
 *  - a `.ts` or `.js` file outside node_modules with top-level import/export statements is loaded
 *    as an ES module, whatever its package.json says. Flows are written that way; without this, a
 *    flow in a folder with no package.json (or a CommonJS one) is treated as CommonJS, and loading
 *    it fails with "Cannot require() ES Module … in a cycle".
 */
const HOOKS_SOURCE = String.raw`
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let targets;
export function initialize(data) { targets = data; }

// A top-level import or export statement: the file is an ES module whatever its folder says.
const ESM_SYNTAX = /^[ \t]*(import[\s{*'"]|export[\s{*])/m;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'chartbot') return { url: targets.chartbot, shortCircuit: true };
  if (specifier === 'chartbot/testing') return { url: targets.testing, shortCircuit: true };
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const bare = !/^[./]|^[a-z][a-z0-9+.-]*:/i.test(specifier);
    if (!bare || !context.parentURL || context.parentURL === targets.base) throw error;
    return nextResolve(specifier, { ...context, parentURL: targets.base });
  }
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && /\.(ts|js)$/.test(url) && !url.includes('/node_modules/') && context.format !== 'module') {
    let source = '';
    try { source = readFileSync(fileURLToPath(url), 'utf8'); } catch { /* the next loader reports it */ }
    if (ESM_SYNTAX.test(source)) return nextLoad(url, { ...context, format: 'module' });
  }
  return nextLoad(url, context);
}
`;

let prepared: Promise<void> | undefined;

/**
 * Makes flow files loadable from any folder, once per process: TypeScript without a build step
 * (tsx, unless already registered), and the resolution rules above. Called by `loadFlowFile`.
 */
export function prepareFlowLoading(): Promise<void> {
  prepared ??= (async () => {
    const registry = globalThis as Record<symbol, unknown>;
    if (!registry[TSX_REGISTERED]) {
      const tsx = await import('tsx/esm/api');
      tsx.register();
      registry[TSX_REGISTERED] = true;
    }
    // This file is src/conversation/flow-loader.ts in a checkout and dist/conversation/flow-loader.js
    // when installed: the entry points sit next to it with the same extension.
    const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    register(`data:text/javascript,${encodeURIComponent(HOOKS_SOURCE)}`, {
      data: {
        chartbot: new URL(`../index.${extension}`, import.meta.url).href,
        testing: new URL(`../testing/index.${extension}`, import.meta.url).href,
        base: import.meta.url,
      },
    });
  })();
  return prepared;
}
