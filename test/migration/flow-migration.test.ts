import { setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { composeMigrations, defaultContext, defineFlow, migrateConversation, moveState, renameState, type Flow, type FlowSnapshot } from 'chartbot';
import { leafPaths, stateValueOf } from '../../src/conversation/migration-helpers.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';

/** Version 3 of a flow: checkout.payment (was `payment` at top level in 1), a parallel `tracking`, a custom id. */
const machine = setup({ delays: { idle: 60_000 } }).createMachine({
  id: 'shop',
  context: { cart: [] as string[], currency: 'EUR' },
  initial: 'browse',
  states: {
    browse: { on: { pay: 'checkout' } },
    checkout: {
      initial: 'payment',
      states: { payment: { after: { idle: 'reminded' } }, reminded: {} },
    },
    tracking: { type: 'parallel', states: { parcel: { initial: 'packed', states: { packed: {} } }, chat: {} } },
    done: { id: 'thanks', type: 'final' },
  },
});

const flow = (migrate: Flow['migrate'], version = 3): Flow => ({ name: 'shop', machine, version, ...(migrate ? { migrate } : {}) });
const stored = (value: unknown, context: Record<string, unknown> = { cart: ['tea'] }, version = 1, timers: Array<{ id: string; fireAt: number }> = []) => ({
  snapshot: { status: 'active', value, context, children: {}, historyValue: {} },
  timers: timers.map((t) => ({ ...t, event: { type: t.id } })),
  version,
});

describe('state values', () => {
  it('are read as leaf paths and written back as xstate writes them', () => {
    expect(leafPaths('menu')).toEqual([['menu']]);
    expect(leafPaths({ checkout: 'payment' })).toEqual([['checkout', 'payment']]);
    expect(leafPaths({ tracking: { parcel: 'packed', chat: {} } })).toEqual([['tracking', 'parcel', 'packed'], ['tracking', 'chat']]);
    for (const value of ['menu', { checkout: 'payment' }, { tracking: { parcel: 'packed', chat: {} } }, { a: { b: { c: 'd' } } }]) {
      expect(stateValueOf(leafPaths(value))).toEqual(value);
    }
  });
});

describe('migration helpers', () => {
  it('moveState moves a state and what is active inside it; other states are untouched', () => {
    const move = moveState('payment', 'checkout.payment');
    expect(move({ value: 'payment', context: {} }).value).toEqual({ checkout: 'payment' });
    expect(moveState('old', 'checkout')({ value: { old: 'payment' }, context: {} }).value).toEqual({ checkout: 'payment' });
    const elsewhere = { value: 'browse', context: { a: 1 } };
    expect(move(elsewhere)).toBe(elsewhere);
    expect(() => moveState('checkout', 'checkout.inner')).toThrow('a state cannot move inside itself');
    expect(() => moveState('checkout.', 'x')).toThrow("is not a dotted state path");
  });

  it('renameState keeps the parent (and says to use moveState otherwise)', () => {
    expect(renameState('checkout.pay', 'checkout.payment')({ value: { checkout: 'pay' }, context: {} }).value).toEqual({ checkout: 'payment' });
    expect(() => renameState('checkout.pay', 'payment')).toThrow("changes the state's parent: use moveState('checkout.pay', 'payment')");
  });

  it('defaultContext fills missing fields only; composeMigrations applies in order', () => {
    const both = composeMigrations(defaultContext({ currency: 'EUR', cart: ['x'] }), renameState('menu', 'browse'));
    expect(both({ value: 'menu', context: { cart: ['tea'] } })).toEqual({ value: 'browse', context: { cart: ['tea'], currency: 'EUR' } });
  });
});

describe('migrateConversation', () => {
  it('runs the migrations step by step from the version the conversation was written with', () => {
    const steps: string[] = [];
    const f = flow({
      1: composeMigrations(moveState('payment', 'checkout.payment'), (s) => (steps.push('1→2'), s)),
      2: composeMigrations(defaultContext({ currency: 'EUR' }), (s) => (steps.push('2→3'), s)),
    });
    const result = migrateConversation(f, stored('payment'));
    expect(steps).toEqual(['1→2', '2→3']);
    expect(result).toMatchObject({ outcome: 'migrate', from: 1, to: 3, snapshot: { value: { checkout: 'payment' }, context: { cart: ['tea'], currency: 'EUR' } } });
    steps.length = 0;
    expect(migrateConversation(f, stored({ checkout: 'payment' }, { cart: [] }, 2))).toMatchObject({ outcome: 'migrate', from: 2 });
    expect(steps).toEqual(['2→3']);
  });

  it('does not change what it was given, even when a migration changes its input in place', () => {
    const input = stored('payment');
    const copy = structuredClone(input);
    migrateConversation(flow({ 1: (s) => ((s.context.cart as string[]).push('mutated'), moveState('payment', 'checkout.payment')(s)) }), input);
    expect(input).toEqual(copy);
  });

  it('moves the pending after timers of moved states, and drops those of states left behind', () => {
    const timers = [
      { id: 'xstate.after.idle.shop.payment', fireAt: 5 },
      { id: 'xstate.after.idle.shop.gone', fireAt: 6 },
      { id: 'my-own-delayed-event', fireAt: 7 },
    ];
    const result = migrateConversation(flow({ 1: moveState('payment', 'checkout.payment') }), stored('payment', {}, 1, timers));
    if (result.outcome === 'restart') throw new Error(result.reason);
    expect(result.timers).toEqual([
      { id: 'xstate.after.idle.shop.checkout.payment', fireAt: 5, event: { type: 'xstate.after.idle.shop.checkout.payment' } },
      { id: 'my-own-delayed-event', fireAt: 7, event: { type: 'my-own-delayed-event' } },
    ]);
    expect(result.droppedTimers.map((t) => t.id)).toEqual(['xstate.after.idle.shop.gone']);
  });

  it('restarts, with the reason, when a migration throws, returns no snapshot, or the result does not fit', () => {
    const thrown = migrateConversation(flow({ 2: () => { throw new Error('boom'); } }), stored('browse'));
    expect(thrown).toEqual({ outcome: 'restart', from: 1, to: 3, reason: 'migrate[2] (version 2 → 3) threw: boom' });
    const nothing = migrateConversation(flow({ 1: (() => undefined) as never }), stored('browse'));
    expect(nothing).toMatchObject({ outcome: 'restart', reason: 'migrate[1] (version 1 → 2) returned undefined, not { value, context }' });
    const unfit = migrateConversation(flow({}), stored('payment'));
    expect(unfit).toMatchObject({ outcome: 'restart', reason: expect.stringMatching(/^state payment does not fit the flow: .*payment/) as string });
  });

  it('a snapshot of the current version fits without a check by default (the step checks it), and is checked on request', () => {
    const current = stored('gone', {}, 3);
    expect(migrateConversation(flow({}), current)).toMatchObject({ outcome: 'fit' });
    expect(migrateConversation(flow({}), current, { verify: 'always' })).toMatchObject({ outcome: 'restart' });
    expect(migrateConversation(flow({}), stored({ tracking: { parcel: 'packed', chat: {} } }, {}, 3), { verify: 'always' })).toMatchObject({ outcome: 'fit' });
  });
});

describe('defineFlow versions', () => {
  it('refuses versions and migrations that cannot work, saying what to fix', () => {
    expect(() => defineFlow({ machine, version: 0 as number })).toThrow('version must be a whole number from 1, got 0');
    expect(() => defineFlow({ machine, version: 2, migrate: { 2: (s: FlowSnapshot) => s } as never })).toThrow('migrate[2] cannot be used: keys are the versions a migration starts from, 1 to 1 for version 2');
    expect(() => defineFlow({ machine, migrate: { 1: (s: FlowSnapshot) => s } as never })).toThrow('(set version: 2 or more first)');
    expect(() => defineFlow({ machine, version: 3, migrate: { 1: 'rename' } as never })).toThrow('migrate[1] must be a function');
    // A plain object export (no defineFlow) is checked when it is loaded.
    expect(() => toFlow({ machine, version: 1.5 }, 'flows/shop.ts')).toThrow('flows/shop.ts: version must be a whole number from 1, got 1.5');
    expect(toFlow(defineFlow({ machine, version: 3, migrate: { 1: (s) => s } }), 'shop.ts')).toMatchObject({ version: 3, migrate: { 1: expect.any(Function) } });
  });
});
