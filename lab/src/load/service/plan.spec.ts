import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePlan, type ServicePlan } from './plan.js';

const dir = mkdtempSync(join(tmpdir(), 'looplab-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = (patch: Partial<ServicePlan>): ServicePlan => ({
  probe: 'GET /health',
  variants: [{ name: 'a', request: 'POST /orders' }],
  headers: {},
  ratePerS: 2,
  folder: dir,
  targetUrl: 'http://127.0.0.1:8000',
  ...patch,
});

describe('resolvePlan: every URL resolved and checked before anything is sent', () => {
  it('resolves paths against the service URL (its own path kept), the probe per variant', () => {
    const resolved = resolvePlan(
      plan({
        targetUrl: 'http://127.0.0.1:8000/api/',
        headers: { Authorization: 'x' },
        body: '{"n":1}',
        variants: [
          { name: 'before', request: 'POST /orders' },
          {
            name: 'after',
            request: 'POST /orders',
            targetUrl: 'http://localhost:9000',
            ratePerS: 5,
          },
        ],
      }),
    );
    expect(resolved.baseline).toBe('before');
    const [before, after] = resolved.variants;
    expect(before).toMatchObject({
      targetUrl: 'http://127.0.0.1:8000/api',
      ratePerS: 2,
      request: {
        method: 'POST',
        url: 'http://127.0.0.1:8000/api/orders',
        headers: { Authorization: 'x' },
        body: '{"n":1}',
      },
      probe: { method: 'GET', url: 'http://127.0.0.1:8000/api/health' },
      metrics: { url: 'http://127.0.0.1:8000/api/metrics', named: false },
    });
    expect(after).toMatchObject({
      targetUrl: 'http://localhost:9000',
      ratePerS: 5,
      probe: { url: 'http://localhost:9000/health' },
    });
  });

  it('takes a variant given as a URL as its own service; metrics where named', () => {
    const [variant] = resolvePlan(
      plan({
        targetUrl: undefined,
        targetMetrics: 'http://127.0.0.1:9464/metrics',
        variants: [{ name: 'a', request: 'PUT http://127.0.0.1:7000/jobs' }],
      }),
    ).variants;
    expect(variant?.targetUrl).toBe('http://127.0.0.1:7000');
    expect(variant?.metrics).toEqual({ url: 'http://127.0.0.1:9464/metrics', named: true });
  });

  it("takes a target file's one origin as its service, and counts its targets", () => {
    const path = join(dir, 't.http');
    writeFileSync(path, 'POST http://127.0.0.1:7000/a\n\nPOST http://127.0.0.1:7000/b\n');
    const [variant] = resolvePlan(
      plan({ targetUrl: undefined, variants: [{ name: 'a', targets: { file: 't.http' } }] }),
    ).variants;
    expect(variant).toMatchObject({
      targetUrl: 'http://127.0.0.1:7000',
      targets: { file: path, format: 'http', count: 2 },
    });
  });

  it('says what is missing or wrong', () => {
    expect(() => resolvePlan(plan({ variants: [] }))).toThrow(/give at least one --variant/);
    expect(() =>
      resolvePlan(
        plan({
          variants: [
            { name: 'a', request: 'GET /' },
            { name: 'a', request: 'GET /' },
          ],
        }),
      ),
    ).toThrow(/two variants are called a/);
    expect(() => resolvePlan(plan({ baseline: 'b' }))).toThrow(
      /--baseline b: not a variant of this run \(a\)/,
    );
    expect(() => resolvePlan(plan({ targetUrl: undefined }))).toThrow(
      /variant a: its requests are paths; give the service's URL \(--target-url/,
    );
    expect(() => resolvePlan(plan({ targetUrl: 'http://example.com' }))).toThrow(
      /variant a: refusing to send load to example\.com/,
    );
    expect(() =>
      resolvePlan(
        plan({
          variants: [{ name: 'a', request: 'POST http://example.com/x' }],
          targetUrl: undefined,
        }),
      ),
    ).toThrow(/refusing to send load to example\.com/);
    expect(() => resolvePlan(plan({ variants: [{ name: 'a' }] }))).toThrow(
      /variant a: give a request/,
    );
  });
});
