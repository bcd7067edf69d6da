import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCompareConfig } from './config-file.js';

const dir = mkdtempSync(join(tmpdir(), 'looplab-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = (data: unknown) => {
  const path = join(dir, 'looplab.config.json');
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
};

describe('loadCompareConfig: the flags as a file, every mistake named by its field', () => {
  it('reads every setting; bodies as sent; files relative to the config file', () => {
    writeFileSync(join(dir, 'order.json'), '{"id":1}');
    const loaded = loadCompareConfig(
      config({
        $schema: '../lab/schema/compare-config.schema.json',
        targetUrl: 'http://127.0.0.1:8000',
        probe: 'GET /health',
        probeRate: 20,
        triggerRate: 3,
        duration: 30,
        warmup: 5,
        timeout: 4,
        headers: { Authorization: 'Bearer t' },
        body: { kind: 'default' },
        targetMetrics: 'http://127.0.0.1:9464/metrics',
        allowHosts: ['staging.internal'],
        baseline: 'after',
        variants: [
          { name: 'before', request: 'POST /orders', body: '@order.json', rate: 1 },
          { name: 'after', targets: 'after.http', format: 'http', headers: { 'X-V': '2' } },
        ],
      }),
    );
    expect(loaded).toEqual({
      targetUrl: 'http://127.0.0.1:8000',
      probe: 'GET /health',
      probeRate: 20,
      triggerRate: 3,
      duration: 30,
      warmup: 5,
      timeout: 4,
      headers: { Authorization: 'Bearer t' },
      body: '{"kind":"default"}',
      targetMetrics: 'http://127.0.0.1:9464/metrics',
      allowHosts: ['staging.internal'],
      baseline: 'after',
      variants: [
        { name: 'before', request: 'POST /orders', body: '{"id":1}', ratePerS: 1 },
        { name: 'after', targets: { file: 'after.http', format: 'http' }, headers: { 'X-V': '2' } },
      ],
      folder: dir,
    });
  });

  it('names the field of each mistake', () => {
    const base = { probe: 'GET /health', variants: [{ name: 'a', request: 'POST /x' }] };
    const cases: Array<[unknown, RegExp]> = [
      ['{ "probe": ', /looplab\.config\.json: .*JSON/],
      [{ variants: base.variants }, /probe is missing/],
      [{ ...base, variants: [] }, /variants must NOT have fewer than 1 items/],
      [{ ...base, probeRate: 0 }, /probeRate must be >= 1/],
      [{ ...base, duration: '12' }, /duration must be an integer/],
      [{ ...base, probe: 'get /health' }, /probe "get \/health": the method must be upper case/],
      [{ ...base, variants: [{ name: 'a' }] }, /variants\[0\] needs exactly one of request/],
      [
        { ...base, variants: [{ name: 'a b', request: 'POST /x' }] },
        /variants\[0\]\.name: the name "a b"/,
      ],
      [
        { ...base, variants: [{ name: 'a', request: 'POST x' }] },
        /variants\[0\]\.request "POST x"/,
      ],
      [
        { ...base, variants: [{ name: 'a', request: 'POST /x', format: 'json' }] },
        /variants\[0\]\.format only goes with targets/,
      ],
      [
        { ...base, variants: [{ name: 'a', request: 'POST /x', body: '@none.json' }] },
        /variants\[0\]\.body @none\.json: file .* not found/,
      ],
      [{ ...base, extra: 1 }, /extra is not a field of the file/],
    ];
    for (const [data, message] of cases)
      expect(() => loadCompareConfig(config(data)), JSON.stringify(data)).toThrow(message);
  });
});
