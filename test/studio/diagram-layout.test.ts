import { describe, expect, it } from 'vitest';
import support from '../../flows/support.ts';
import { layoutFlow } from '../../src/studio/diagram-layout.ts';
import { describeFlow } from '../../src/testing/flow-graph.ts';
import type { DiagramNode } from '../../src/studio/view-types.ts';
import nested from '../testing/fixtures/nested-flow.ts';

const inside = (child: DiagramNode, parent: DiagramNode) =>
  child.x >= parent.x && child.y >= parent.y && child.x + child.width <= parent.x + parent.width && child.y + child.height <= parent.y + parent.height;

describe('the studio diagram layout (elkjs, on the server)', () => {
  it('draws nested and parallel states inside their parents, with initial markers', async () => {
    const layout = await layoutFlow('nested', nested.machine, 3);
    expect(layout).toMatchObject({ flow: 'nested', version: 3 });
    const byPath = new Map(layout.nodes.filter((n) => n.type !== 'initial').map((n) => [n.path, n]));
    for (const state of describeFlow(nested.machine).states) {
      const node = byPath.get(state.path);
      expect(node, state.path).toMatchObject({ type: state.type, name: state.path.split('.').at(-1) });
      if (state.parent) expect(inside(node as DiagramNode, byPath.get(state.parent) as DiagramNode), `${state.path} inside ${state.parent}`).toBe(true);
      expect(node?.x).toBeGreaterThanOrEqual(0);
      expect((node?.x ?? 0) + (node?.width ?? 0)).toBeLessThanOrEqual(layout.width);
    }
    // Compound states and the root start somewhere; a parallel state's regions all start at once.
    expect(layout.nodes.filter((n) => n.type === 'initial').map((n) => n.path).sort()).toEqual(['', 'done.payment', 'done.shipping', 'order']);
  });

  it('labels transitions with their events, guards and delays; a targetless one loops back', async () => {
    const layout = await layoutFlow('nested', nested.machine, 1);
    const labels = layout.edges.map((e) => e.label).filter(Boolean);
    expect(labels).toEqual(expect.arrayContaining(['user.text', 'user.text [isYes]', 'after nudge (1m30s)', 'after 5s']));
    const nudge = layout.edges.find((e) => e.label === 'after nudge (1m30s)');
    expect(nudge?.key).toBe('order.confirm --after nudge (1m30s)--> (stays)');
    expect(nudge?.points.length).toBeGreaterThanOrEqual(2);
    for (const edge of layout.edges) {
      for (const p of edge.points) expect(Number.isFinite(p.x) && Number.isFinite(p.y), edge.id).toBe(true);
      if (edge.label) expect(edge.labelBox, edge.id).toBeDefined();
    }
  });

  it('lists the transitions taken in any state in a note', async () => {
    const layout = await layoutFlow('support', support.machine, 1);
    const note = layout.nodes.find((n) => n.type === 'note');
    expect(note?.lines).toEqual([{ text: 'user.order → (stays)', key: '(any state) --user.order--> (stays)' }]);
    expect(layout.edges.filter((e) => e.key.startsWith('menu --user.button'))).toHaveLength(3);
  });
});
