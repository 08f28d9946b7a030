/**
 * Compile-time checks of `defineFlow`'s version types (`npm test` type-checks this file: an
 * `@ts-expect-error` that is no longer needed fails the build).
 */
import { setup } from 'xstate';
import { defineFlow, type VersionsBelow } from 'chartbot';

const machine = setup({}).createMachine({ id: 'types', initial: 'a', states: { a: {} } });

export const versions: [VersionsBelow<3>, VersionsBelow<1>] = [2, undefined as never];
// @ts-expect-error 3 is not below version 3
export const notBelow: VersionsBelow<3> = 3;

export const ok = defineFlow({ machine, version: 3, migrate: { 1: (s) => s, 2: (s) => ({ ...s, value: 'a' }) } });
// @ts-expect-error migrate[3] would start from the current version
export const tooNew = defineFlow({ machine, version: 3, migrate: { 3: (s) => s } });
// @ts-expect-error without a version (1), there is nothing to migrate from
export const noVersion = defineFlow({ machine, migrate: { 1: (s) => s } });
// @ts-expect-error a migration returns a snapshot
export const noReturn = defineFlow({ machine, version: 2, migrate: { 1: (s) => s.value } });
