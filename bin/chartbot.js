#!/usr/bin/env node
// The `chartbot` command. Installed, it runs the compiled package (dist/); in a checkout of the
// repository (src/ present, no build needed) it runs the TypeScript sources through tsx. Either way
// users' .ts flow files load without a build step: flow loading registers tsx when it is not yet.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  globalThis[Symbol.for('chartbot.tsx-registered')] = true;
  await import(sources.href);
} else {
  await import('../dist/cli/main.js');
}
