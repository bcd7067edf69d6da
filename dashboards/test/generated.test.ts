/**
 * The committed JSON in dashboards/generated/ is exactly what the sources generate and lints clean
 * (that every query parses as PromQL is tools/promql-parses.test.ts: it needs promtool).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalize, formatJson, renderAll } from '../src/dashboards.js';
import { formatIssue, lintDashboards } from '../src/lint.js';

const GENERATED = resolve(__dirname, '..', 'generated');
const REPO_ROOT = resolve(__dirname, '..', '..');
const BIOME = resolve(REPO_ROOT, 'node_modules', '.bin', 'biome');
const STALE = 'dashboards/generated is stale: run npm run dashboards';

/** The parts of a generated dashboard these tests read. */
interface GeneratedJson {
  uid: string;
  title: string;
  tags: string[];
  time: { from: string; to: string };
  refresh: string;
  graphTooltip: number;
  annotations: { list: unknown[] };
  panels: Array<{ title: string; targets?: Array<{ exemplar?: boolean }> }>;
}

const committed = (): Map<string, string> =>
  new Map(
    readdirSync(GENERATED)
      .filter((name) => name.endsWith('.json'))
      .map((name) => [name, readFileSync(resolve(GENERATED, name), 'utf8')]),
  );

describe('dashboards/generated', () => {
  const files = renderAll();

  it('holds exactly the generated dashboards, byte for byte', () => {
    const onDisk = committed();
    expect([...onDisk.keys()].sort(), STALE).toEqual(files.map((f) => f.fileName).sort());
    for (const file of files) {
      // Compared as booleans first so the failure message says what to do, then as text for the diff.
      const same = onDisk.get(file.fileName) === file.text;
      if (!same) expect(onDisk.get(file.fileName), `${STALE} (${file.fileName})`).toBe(file.text);
    }
  });

  it('is pretty JSON with sorted keys and a trailing newline', () => {
    for (const [name, text] of committed()) {
      expect(text.endsWith('}\n'), name).toBe(true);
      expect(text, name).toBe(formatJson(canonicalize(JSON.parse(text))));
    }
  });

  it('is formatted the way Biome (npm run lint) wants it', () => {
    for (const [name, text] of committed()) {
      const result = spawnSync(
        BIOME,
        ['format', `--stdin-file-path=dashboards/generated/${name}`],
        {
          cwd: REPO_ROOT,
          input: text,
          encoding: 'utf8',
        },
      );
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout, name).toBe(text);
    }
  });

  it('lints clean', () => {
    const dashboards = [...committed().values()].map((text) => JSON.parse(text));
    expect(lintDashboards(dashboards).map(formatIssue)).toEqual([]);
  });

  it('has the fixed uids, titles and common settings', () => {
    const byUid = new Map(
      [...committed().values()].map((text): [string, GeneratedJson] => {
        const d: GeneratedJson = JSON.parse(text);
        return [d.uid, d];
      }),
    );
    expect([...byUid.keys()].sort()).toEqual([
      'looplab-comparison',
      'looplab-event-loop',
      'looplab-load',
    ]);
    expect(byUid.get('looplab-event-loop')?.title).toBe('looplab · Event loop vs latency');
    expect(byUid.get('looplab-load')?.title).toBe('looplab · Load generator');
    expect(byUid.get('looplab-comparison')?.title).toBe('looplab · Strategy comparison');
    for (const d of byUid.values()) {
      expect(d.tags).toEqual(['looplab']);
      expect(d.time).toEqual({ from: 'now-15m', to: 'now' });
      expect(d.refresh).toBe('5s');
      expect(d.graphTooltip).toBe(1);
      expect(d.annotations.list.length).toBeGreaterThan(0);
    }
  });

  it('asks for exemplars on the server-side /ping latency panel', () => {
    const d: GeneratedJson = JSON.parse(committed().get('event-loop-vs-latency.json') ?? '{}');
    const withExemplars = d.panels.filter((p) => p.targets?.some((t) => t.exemplar));
    expect(withExemplars.map((p) => p.title)).toEqual([
      'Probe latency, server side (/ping handler only, with exemplars)',
    ]);
  });
});
