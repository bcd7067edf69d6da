import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarios, SCENARIOS_FILE, ScenarioFileError } from './scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'looplab-scenarios-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: the tests break arbitrary fields of the JSON
type Data = Record<string, any>;

function withChange(change: (data: Data) => void): string {
  const data = JSON.parse(readFileSync(SCENARIOS_FILE, 'utf8'));
  change(data);
  const path = join(dir, `s-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(data));
  return path;
}

describe('load/scenarios.json', () => {
  it('is valid and has the smoke, compare and soak presets, compare being the default', () => {
    const scenarios = loadScenarios();
    expect(Object.keys(scenarios.presets)).toEqual(['smoke', 'compare', 'soak']);
    expect(scenarios.defaultPreset).toBe('compare');
    expect(scenarios.presets.compare?.strategies).toBe('all');
  });

  it('names the field of every mistake', () => {
    const cases: Array<[(d: Data) => void, RegExp]> = [
      [(d) => (d.roles.probe.ratePerS = 0), /roles\.probe\.ratePerS/],
      [(d) => (d.job.workload = 'disk'), /job\.workload must be one of cpu, sleep, hash/],
      [(d) => (d.presets.smoke.strategies = ['asink']), /presets\.smoke\.strategies/],
      [
        (d) => (d.presets.compare.thresholds[0].metric = 'p99'),
        /presets\.compare\.thresholds\[0\]\.metric/,
      ],
      [
        (d) => (d.presets.compare.thresholds[1].maxMs = 5),
        /exactly one of maxRatio, maxOverMs or maxMs/,
      ],
      [(d) => (d.defaultPreset = 'nightly'), /defaultPreset/],
    ];
    for (const [change, message] of cases) {
      const path = withChange(change);
      expect(() => loadScenarios(path)).toThrow(ScenarioFileError);
      expect(() => loadScenarios(path)).toThrow(message);
    }
  });
});
