#!/usr/bin/env node
// Registers tsx so that chartbot's TypeScript sources and users' .ts flow files load without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
