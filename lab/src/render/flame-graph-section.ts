import type { Report } from '../model.js';
import { formatStalled } from '../report/stalls/frame-text.js';
import { escapeHtml } from './escape-html.js';
import { flameGraphSvg } from './flame-graph.js';
import { rowsWithStacks } from './stall-stacks.js';

/** report.html's flame graphs of the stalled time, one per row that stalled (none: no section). */
export function flameGraphSection(report: Report): string {
  const rows = rowsWithStacks(report.strategies);
  if (rows.length === 0) return '';
  const figures = rows
    .map(({ result, paths }) => {
      const stalls = result.stalls;
      const count = stalls?.attribution.stalls ?? 0;
      const total = paths.reduce((sum, path) => sum + path.weightMs, 0);
      const caption = `${result.row}: ${count} stall${count === 1 ? '' : 's'}, ${formatStalled(total)} stalled`;
      return `<figure class="flame" data-row="${escapeHtml(result.row)}" data-strategy="${escapeHtml(result.strategy)}">
<figcaption>${escapeHtml(caption)}</figcaption>
${flameGraphSvg(paths, `${result.row}: all stalled time`)}
</figure>`;
    })
    .join('\n');
  return `<section class="card" id="flame-graphs">
<h2>Flame graphs of the stalled time</h2>
<p class="hint">What was on the event loop's stack while it stalled, per row: the bottom bar is all the stalled time, then the stall classes (on_cpu: the loop burned CPU; off_cpu: it waited; gil_wait: another thread held the GIL), then the frames, each as wide as its share. Warm colours are the app's own code, yellow its libraries, grey the runtime. Hover a frame for its file, line and time.</p>
${figures}
</section>`;
}
