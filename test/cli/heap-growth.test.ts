import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, limitHeapGrowth } from '../../src/cli/heap-growth.ts';

describe('limitHeapGrowth (chartbot start)', () => {
  it('sets V8 heap growth when node was not given one', () => {
    const set: string[] = [];
    expect(limitHeapGrowth(['--enable-source-maps'], (flags) => set.push(flags))).toBe(true);
    expect(set).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });

  it('leaves an explicit --heap-growing-percent alone (=0 restores V8 default)', () => {
    const set: string[] = [];
    expect(limitHeapGrowth(['--heap-growing-percent=0'], (flags) => set.push(flags))).toBe(false);
    expect(set).toEqual([]);
  });

  it('names a flag this V8 knows (node refuses unknown options)', () => {
    expect(() => execFileSync(process.execPath, [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`, '-e', '0'], { stdio: 'pipe' })).not.toThrow();
    expect(() => execFileSync(process.execPath, ['--heap-growing-percent-typo=1', '-e', '0'], { stdio: 'pipe' })).toThrow();
  });
});
