import { describe, expect, it } from 'vitest';
import { describeFlow, toDot, toMermaid } from 'chartbot/testing';
import nested from './fixtures/nested-flow.ts';

describe('flow graphs', () => {
  it('describes states with types and initial children, and transitions with guards and delays', () => {
    const graph = describeFlow(nested.machine);
    expect(graph.states.map((s) => `${s.path}:${s.type}${s.initial ? `>${s.initial}` : ''}`)).toEqual([
      'order:compound>order.size',
      'order.size:atomic',
      'order.confirm:atomic',
      'done:parallel',
      'done.payment:compound>done.payment.pending',
      'done.payment.pending:atomic',
      'done.payment.paid:atomic',
      'done.shipping:compound>done.shipping.packing',
      'done.shipping.packing:atomic',
    ]);
    expect(graph.transitions.find((t) => t.guard === 'isYes')).toMatchObject({ source: 'order.confirm', event: 'user.text', targets: ['done'], index: 0 });
  });

  it('renders Mermaid with composite states, parallel regions, guards and delays', () => {
    expect(toMermaid(nested.machine)).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> order',
        '  state order {',
        '    [*] --> order_size',
        '    state "size" as order_size',
        '    state "confirm" as order_confirm',
        '    order_size --> order_confirm : user.text',
        '    order_confirm --> done : user.text [isYes]',
        '    order_confirm --> order_size : user.text',
        '    order_confirm --> order_confirm : after nudge (1m30s)',
        '  }',
        '  state done {',
        '    state "payment" as done_payment',
        '    state done_payment {',
        '      [*] --> done_payment_pending',
        '      state "pending" as done_payment_pending',
        '      state "paid" as done_payment_paid',
        '      done_payment_pending --> done_payment_paid : after 5s',
        '    }',
        '    --',
        '    state "shipping" as done_shipping',
        '    state done_shipping {',
        '      [*] --> done_shipping_packing',
        '      state "packing" as done_shipping_packing',
        '    }',
        '  }',
        '',
      ].join('\n'),
    );
  });

  it('renders Graphviz DOT with clusters, dashed initial edges and labelled transitions', () => {
    const dot = toDot(nested.machine);
    expect(dot.startsWith('digraph "nested" {\n  rankdir=LR;')).toBe(true);
    expect(dot).toContain('  subgraph "cluster_done.payment" {\n      label="payment";');
    expect(dot).toContain('  "order" -> "order.size" [style=dashed];');
    expect(dot).toContain('  "order.confirm" -> "done" [label="user.text [isYes]"];');
    expect(dot).toContain('  "done.payment.pending" -> "done.payment.paid" [label="after 5s"];');
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });
});
