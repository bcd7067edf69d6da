/**
 * A flame graph of a row's stalled time as a static SVG, drawn here rather than by a library:
 * the ECharts build report.html inlines has no custom series to draw one, and the flame-graph
 * libraries (d3-flame-graph, flame-chart-js) draw in the browser from a bundle that would have to
 * be inlined too (d3 alone is ~280 KB). A flame graph is only rectangles laid out by weight; as
 * SVG it opens offline, needs no script, prints, and a test can read its frames.
 */

import { frameOrigin } from '../report/stalls/frame-origin.js';
import { formatShare, formatStalled } from '../report/stalls/frame-text.js';
import type { FrameRef } from '../stall-model.js';
import { escapeHtml } from './escape-html.js';
import type { NamedFrame, StackPath } from './stall-stacks.js';

const WIDTH = 1200;
const ROW_HEIGHT = 18;
/**
 * Frames narrower than this (viewBox units: 0.5 % of the row's stalled time) are left out, their
 * time staying in their parent: deep stacks that held the loop for a sample or two would make the
 * graph hundreds of rows tall for slivers no one can see.
 */
const MIN_WIDTH = 6;
/** Average width of a character of the 11 px monospace labels, in viewBox units. */
const CHAR_WIDTH = 6.7;

interface FlameNode {
  name: string;
  frame?: FrameRef;
  weightMs: number;
  children: Map<string, FlameNode>;
}

function treeOf(paths: readonly StackPath[], rootName: string): FlameNode {
  const root: FlameNode = { name: rootName, weightMs: 0, children: new Map() };
  for (const path of paths) {
    root.weightMs += path.weightMs;
    let node = root;
    for (const level of path.frames) node = childOf(node, level, path.weightMs);
  }
  return root;
}

function childOf(node: FlameNode, level: NamedFrame, weightMs: number): FlameNode {
  let child = node.children.get(level.name);
  if (!child) {
    child = {
      name: level.name,
      ...(level.frame ? { frame: level.frame } : {}),
      weightMs: 0,
      children: new Map(),
    };
    node.children.set(level.name, child);
  }
  child.weightMs += weightMs;
  return child;
}

interface Box {
  node: FlameNode;
  x: number;
  width: number;
  depth: number;
}

/** Each frame as wide as its time, its callees on top of it, heaviest first from the left. */
function layout(root: FlameNode): Box[] {
  const boxes: Box[] = [];
  const place = (node: FlameNode, x: number, width: number, depth: number) => {
    if (width < MIN_WIDTH) return;
    boxes.push({ node, x, width, depth });
    let left = x;
    const children = [...node.children.values()].sort((a, b) => b.weightMs - a.weightMs);
    for (const child of children) {
      const childWidth = (width * child.weightMs) / node.weightMs;
      place(child, left, childWidth, depth + 1);
      left += childWidth;
    }
  };
  if (root.weightMs > 0) place(root, 0, WIDTH, 0);
  return boxes;
}

const CLASS_COLORS: Record<string, string> = {
  on_cpu: '#e4572e',
  off_cpu: '#4a90d9',
  gil_wait: '#9b59b6',
  native: '#8d6e63',
};

/** A stable small number from a name, so a function keeps its shade across graphs. */
function hashOf(text: string): number {
  let hash = 0;
  for (const ch of text) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash;
}

/** Warm for the app's own code, yellow for libraries, grey-blue for the runtime. */
function colorOf(box: Box): string {
  const { node, depth } = box;
  if (depth === 0) return '#cfd6df';
  if (!node.frame) return CLASS_COLORS[node.name] ?? '#b39ddb';
  const shade = hashOf(node.frame.function) % 20;
  switch (frameOrigin(node.frame)) {
    case 'app':
      return `hsl(${12 + shade} 80% ${58 + (shade % 8)}%)`;
    case 'library':
      return `hsl(${44 + (shade % 10)} 75% ${62 + (shade % 8)}%)`;
    case 'runtime':
      return `hsl(${205 + (shade % 10)} 22% ${72 + (shade % 8)}%)`;
  }
}

function label(name: string, width: number): string {
  const fits = Math.floor((width - 6) / CHAR_WIDTH);
  if (fits < 3) return '';
  return name.length <= fits ? name : `${name.slice(0, fits - 1)}…`;
}

function tooltip(node: FlameNode, totalMs: number): string {
  const where = node.frame?.file
    ? `\n${node.frame.file}${node.frame.line === null ? '' : `:${node.frame.line}`}`
    : '';
  return `${node.name}${where}\n${formatStalled(node.weightMs)}, ${formatShare((100 * node.weightMs) / totalMs)} of the stalled time`;
}

/**
 * The SVG of one row's stalled stacks: the root (all its stalled time) at the bottom, then the
 * stall classes, then the frames, each as wide as the time it was on the stack. Hovering a frame
 * shows its file, line and time (an SVG <title>). Inline in HTML, it needs no xmlns (and the
 * page names no URL).
 */
export function flameGraphSvg(paths: readonly StackPath[], rootName: string): string {
  const root = treeOf(paths, rootName);
  const boxes = layout(root);
  const depth = Math.max(0, ...boxes.map((box) => box.depth)) + 1;
  const height = depth * ROW_HEIGHT;
  const frames = boxes
    .map((box) => {
      const y = height - (box.depth + 1) * ROW_HEIGHT;
      const text = label(box.node.name, box.width);
      const fn = box.node.frame ? ` data-function="${escapeHtml(box.node.frame.function)}"` : '';
      return `<g class="frame"${fn} data-depth="${box.depth}"><title>${escapeHtml(tooltip(box.node, root.weightMs))}</title><rect x="${box.x.toFixed(2)}" y="${y}" width="${box.width.toFixed(2)}" height="${ROW_HEIGHT - 1}" rx="2" fill="${colorOf(box)}"/>${text ? `<text x="${(box.x + 3).toFixed(2)}" y="${y + 12.5}">${escapeHtml(text)}</text>` : ''}</g>`;
    })
    .join('\n');
  return `<svg class="flame-graph" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${escapeHtml(`Flame graph: ${rootName}`)}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="11">
${frames}
</svg>`;
}
