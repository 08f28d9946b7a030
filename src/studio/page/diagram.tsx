import { useState } from 'preact/hooks';
import type { DiagramEdge, DiagramLayout, DiagramNode } from '../view-types.ts';

const CONTAINER = new Set(['compound', 'parallel']);

const xy = (p: { x: number; y: number }) => `${p.x.toFixed(1)} ${p.y.toFixed(1)}`;

/** ELK's spline edges come as a start point and cubic Bézier segments (two control points and an end each). */
function pathData(points: DiagramEdge['points']): string {
  const [start, ...rest] = points;
  if (!start) return '';
  if (rest.length < 3 || rest.length % 3 !== 0) return [`M${xy(start)}`, ...rest.map((p) => `L${xy(p)}`)].join(' ');
  const segments: string[] = [];
  for (let i = 0; i < rest.length; i += 3) segments.push(`C${xy(rest[i] as DiagramEdge['points'][number])} ${xy(rest[i + 1] as DiagramEdge['points'][number])} ${xy(rest[i + 2] as DiagramEdge['points'][number])}`);
  return `M${xy(start)} ${segments.join(' ')}`;
}

function StateBox({ node, active }: { node: DiagramNode; active: boolean }) {
  const cls = `state state-${node.type}${active ? ' active' : ''}`;
  const common = { class: cls, 'data-path': node.path, role: 'group' as const, 'aria-label': node.path, ...(active ? { 'aria-current': 'true' as const } : {}) };
  if (node.type === 'history') {
    return (
      <g {...common}>
        <circle cx={node.x + node.width / 2} cy={node.y + node.height / 2} r={node.width / 2} />
        <text x={node.x + node.width / 2} y={node.y + node.height / 2 + 4} text-anchor="middle">
          H
        </text>
      </g>
    );
  }
  const container = CONTAINER.has(node.type);
  return (
    <g {...common}>
      <rect x={node.x} y={node.y} width={node.width} height={node.height} rx={container ? 10 : 8} />
      {node.type === 'final' ? <rect class="final-inner" x={node.x + 3} y={node.y + 3} width={node.width - 6} height={node.height - 6} rx={6} /> : null}
      <text class="state-name" x={container ? node.x + 10 : node.x + node.width / 2} y={container ? node.y + 19 : node.y + (node.tags.length ? 18 : 20)} text-anchor={container ? 'start' : 'middle'}>
        {node.name}
      </text>
      {node.tags.length ? (
        <text class="state-tags" x={container ? node.x + 10 : node.x + node.width / 2} y={container ? node.y + 33 : node.y + 34} text-anchor={container ? 'start' : 'middle'}>
          ({node.tags.join(', ')})
        </text>
      ) : null}
    </g>
  );
}

function Note({ node, last }: { node: DiagramNode; last: Set<string> }) {
  return (
    <g class="note">
      <rect x={node.x} y={node.y} width={node.width} height={node.height} rx={4} />
      <text class="note-title" x={node.x + 10} y={node.y + 16}>
        in any state
      </text>
      {(node.lines ?? []).map((line, i) => (
        <text class={last.has(line.key) ? 'note-line last' : 'note-line'} x={node.x + 10} y={node.y + 33 + i * 16} data-key={line.key}>
          {line.text}
        </text>
      ))}
    </g>
  );
}

/**
 * The flow's statechart, laid out by the server: states (nested and parallel ones as containers),
 * transitions labelled with their events and guards, the active states highlighted
 * (`aria-current="true"`), the transitions the last event took marked.
 */
export function Diagram({ layout, active, last }: { layout: DiagramLayout; active: readonly string[]; last: readonly string[] }) {
  const [fit, setFit] = useState(true);
  const activeSet = new Set(active);
  const lastSet = new Set(last);
  const containers = layout.nodes.filter((n) => CONTAINER.has(n.type));
  const leaves = layout.nodes.filter((n) => !CONTAINER.has(n.type) && n.type !== 'initial' && n.type !== 'note');
  const edgeClass = (e: DiagramEdge) => (e.key && lastSet.has(e.key) ? 'edge last' : e.key ? 'edge' : 'edge initial-edge');
  return (
    <div class="diagram-frame">
      <button type="button" class="zoom" onClick={() => setFit(!fit)}>
        {fit ? 'Actual size' : 'Fit to panel'}
      </button>
      <svg
        class={fit ? 'diagram fit' : 'diagram'}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width={layout.width}
        height={layout.height}
        aria-label={`Statechart of ${layout.flow}`}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
            <path d="M0 0 L10 5 L0 10 z" class="arrowhead" />
          </marker>
          <marker id="arrow-last" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse">
            <path d="M0 0 L10 5 L0 10 z" class="arrowhead last" />
          </marker>
        </defs>
        {containers.map((node) => (
          <StateBox key={node.path} node={node} active={activeSet.has(node.path)} />
        ))}
        {layout.edges.map((edge) => (
          <path key={edge.id} class={edgeClass(edge)} d={pathData(edge.points)} marker-end={lastSet.has(edge.key) ? 'url(#arrow-last)' : 'url(#arrow)'} data-key={edge.key || undefined} />
        ))}
        {layout.nodes
          .filter((n) => n.type === 'initial')
          .map((n) => (
            <circle key={`i:${n.path}`} class="initial" cx={n.x + n.width / 2} cy={n.y + n.height / 2} r={n.width / 2} />
          ))}
        {leaves.map((node) => (
          <StateBox key={node.path} node={node} active={activeSet.has(node.path)} />
        ))}
        {layout.edges
          .filter((e) => e.labelBox)
          .map((edge) => {
            const box = edge.labelBox as NonNullable<DiagramEdge['labelBox']>;
            return (
              <g key={`l:${edge.id}`} class={lastSet.has(edge.key) ? 'edge-label last' : 'edge-label'}>
                <rect x={box.x - 1} y={box.y} width={box.width + 2} height={box.height} rx={3} />
                <text x={box.x + 3} y={box.y + box.height - 4}>
                  {edge.label}
                </text>
              </g>
            );
          })}
        {layout.nodes
          .filter((n) => n.type === 'note')
          .map((n) => (
            <Note key="note" node={n} last={lastSet} />
          ))}
      </svg>
    </div>
  );
}
