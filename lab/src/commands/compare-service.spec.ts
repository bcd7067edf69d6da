import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isServiceComparison,
  type ServiceFlags,
  servicePlanOf,
  withConfigFile,
} from './compare-service.js';

const dir = mkdtempSync(join(tmpdir(), 'looplab-service-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const defaults: ServiceFlags = {
  duration: 12,
  warmup: 2,
  probeRate: 50,
  triggerRate: 2,
  timeout: 10,
  out: 'reports',
  pin: true,
  metricsHost: '127.0.0.1',
  metricsLinger: 5,
};

describe('compare of your own service: flags and the config file', () => {
  it('is one when given variants or a config file', () => {
    expect(isServiceComparison({})).toBe(false);
    expect(isServiceComparison({ variant: ['a=GET /'] })).toBe(true);
    expect(isServiceComparison({ config: 'x.json' })).toBe(true);
  });

  it("takes the file's settings over the defaults, and flags given over the file", () => {
    const config = join(dir, 'looplab.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        targetUrl: 'http://127.0.0.1:8000',
        probe: 'GET /health',
        duration: 30,
        probeRate: 20,
        headers: { 'X-A': '1' },
        variants: [{ name: 'file', request: 'POST /orders' }],
      }),
    );
    const given = new Set<keyof ServiceFlags>(['probeRate']);
    const { flags, file } = withConfigFile(
      { ...defaults, config, probeRate: 70, header: ['X-B: 2'] },
      (key) => given.has(key),
    );
    expect(flags).toMatchObject({
      duration: 30,
      probeRate: 70,
      warmup: 2,
      targetUrl: 'http://127.0.0.1:8000',
    });
    const plan = servicePlanOf(flags, file);
    expect(plan).toMatchObject({
      probe: 'GET /health',
      headers: { 'X-A': '1', 'X-B': '2' },
      variants: [{ name: 'file', request: 'POST /orders' }],
      folder: dir,
    });
    // --variant replaces the file's variants; its files are read from the working folder.
    const replaced = servicePlanOf({ ...flags, variant: ['cli=@t.json'] }, file);
    expect(replaced.variants).toEqual([
      { name: 'cli', targets: { file: 't.json', format: 'json' } },
    ]);
    expect(replaced.folder).toBe(process.cwd());
  });

  it('needs a probe', () => {
    expect(() => servicePlanOf({ ...defaults, variant: ['a=GET /'] })).toThrow(
      /give the probe: --probe 'GET \/health'/,
    );
  });
});
