import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../test/fixtures/sample-report.js';
import { sampleReportWithStalls } from '../../test/fixtures/sample-stalls.js';
import { flameGraphSvg } from './flame-graph.js';
import { renderMarkdown } from './markdown.js';
import { hasStalledStacks, renderFolded, renderSpeedscope } from './stall-files.js';
import { rowsWithStacks } from './stall-stacks.js';

/** speedscope's published file format (https://www.speedscope.app/file-format-schema.json). */
const SPEEDSCOPE_SCHEMA = JSON.parse(
  readFileSync(require.resolve('speedscope/dist/release/file-format-schema.json'), 'utf8'),
) as object;

describe('stalls.folded', () => {
  it('is one `row;class;frames… microseconds` line per stack, root first', () => {
    const lines = renderFolded(sampleReportWithStalls()).trimEnd().split('\n');
    // 30 stalls of 202 ms: burnCpu 30 × 190 ms, under performance.now 30 × 6 ms, GC, a request.
    expect(lines).toEqual([
      'blocking;on_cpu;processImmediate (timers:438);(anonymous) (main-thread-queue.ts:69);runWorkload (workloads.ts:142);burnCpu (workloads.ts:44) 5700000',
      'blocking;on_cpu;processImmediate (timers:438);(anonymous) (main-thread-queue.ts:69);runWorkload (workloads.ts:142);burnCpu (workloads.ts:44);now (performance:137) 180000',
      'blocking;on_cpu;(garbage collector) 120000',
      'blocking;on_cpu;onRequest (route.js:465);runMicrotasks 60000',
    ]);
  });

  it('is not written for a report without stalled stacks', () => {
    expect(hasStalledStacks(sampleReport())).toBe(false);
    expect(renderFolded(sampleReport())).toBe('');
    expect(hasStalledStacks(sampleReportWithStalls())).toBe(true);
  });
});

describe('stalls.speedscope.json', () => {
  const file = JSON.parse(renderSpeedscope(sampleReportWithStalls())) as {
    shared: { frames: Array<{ name: string; file?: string; line?: number }> };
    profiles: Array<{ name: string; samples: number[][]; weights: number[]; endValue: number }>;
  };

  it("is valid against speedscope's published schema", () => {
    const validate = new Ajv({ strict: false }).compile(SPEEDSCOPE_SCHEMA);
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
  });

  it('has a sampled profile per stalled row, each stack a sample weighted by its stalled ms', () => {
    expect(file.profiles.map((p) => p.name)).toEqual(['blocking: stalled time']);
    const [profile] = file.profiles;
    expect(profile?.weights).toEqual([5700, 180, 120, 60]);
    expect(profile?.endValue).toBe(6060);
    const leaf = file.shared.frames[profile?.samples[0]?.at(-1) ?? -1];
    expect(leaf).toEqual({
      name: 'burnCpu',
      file: '/app/target-app/src/workloads/workloads.ts',
      line: 44,
    });
    // The class is the root of every stack, as in the flame graph.
    expect(file.shared.frames[profile?.samples[0]?.[0] ?? -1]).toEqual({ name: 'on_cpu' });
  });
});

describe('the flame graph', () => {
  const [row] = rowsWithStacks(sampleReportWithStalls().strategies);
  const svg = flameGraphSvg(row?.paths ?? [], 'blocking: all stalled time');
  const widthOf = (fn: string) =>
    Number(
      new RegExp(
        `data-function="${fn}"[^>]*><title>[^<]*</title><rect [^>]*width="([\\d.]+)"`,
      ).exec(svg)?.[1],
    );

  it('draws each frame as wide as its stalled time, the root as wide as the graph', () => {
    expect(svg).toMatch(/^<svg class="flame-graph" viewBox="0 0 1200 \d+"/);
    // burnCpu holds 5880 of 6060 ms.
    expect(widthOf('burnCpu')).toBeCloseTo((1200 * 5880) / 6060, 1);
    expect(widthOf('runWorkload')).toBeCloseTo((1200 * 5880) / 6060, 1);
    expect(svg).toContain('burnCpu (workloads.ts:44)');
    expect(svg).toContain('/app/target-app/src/workloads/workloads.ts:44');
  });

  it('escapes what it shows', () => {
    const evil = flameGraphSvg(
      [{ frames: [{ name: '<script>"x"</script>' }], weightMs: 1 }],
      'a & b',
    );
    expect(evil).not.toContain('<script>');
    expect(evil).toContain('&#60;script&#62;');
    expect(evil).toContain('a &#38; b');
  });
});

describe('the stall table in report.md', () => {
  it('lists each row’s stalls and top frames, and an empty line for a row that never stalled', () => {
    const md = renderMarkdown(sampleReportWithStalls());
    const table = md.slice(md.indexOf('## What blocked the loop'));
    expect(table).toContain(
      '| blocking | 30 | 6.1 s | 0.0 % | on_cpu 30 | burnCpu | workloads.ts:44 | 97 % | 97 % |',
    );
    expect(table).toContain('| pooled | 0 | 0 ms | – | – | no stall over 50 ms |  |  |  |');
    expect(table).toMatch(
      /^\| :--- \| ---: \| ---: \| ---: \| :--- \| :--- \| :--- \| ---: \| ---: \|$/m,
    );
  });
});
