import { type MetricDefinition, metricsOf, strategiesOf } from '@looplab/contract';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import { getJson, postJson, scrape, waitForTask } from './support/http.js';

/** What prom-client's default collector exports: not looplab's to define. */
function defaultCollectorFamilies(): Set<string> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return new Set(registry.getMetricsAsArray().map((metric) => metric.name));
}

function familiesIn(exposition: string): Set<string> {
  return new Set(
    exposition
      .split('\n')
      .filter((line) => line.startsWith('# TYPE '))
      .map((line) => line.split(' ')[2] ?? ''),
  );
}

function strategiesWithSamples(exposition: string, metric: MetricDefinition): Set<string> {
  const names = metric.type === 'histogram' ? [`${metric.name}_count`] : [metric.name];
  const found = new Set<string>();
  for (const line of exposition.split('\n')) {
    if (!names.some((name) => line.startsWith(`${name}{`))) continue;
    const strategy = /strategy="([^"]*)"/.exec(line)?.[1];
    if (strategy) found.add(strategy);
  }
  return found;
}

/** Strategies the app can run here (the queue needs Redis, which this test does not start). */
const runnable = strategiesOf('node').filter((strategy) => strategy.needs.length === 0);
/** Strategies without a task: no task, pool or slice samples. */
const TASKLESS = new Set(['async']);

describe('the app exports exactly the metrics the contract lists for it', () => {
  let app: AppProcess;
  let exposition: string;
  const expected = metricsOf('app', 'node');

  beforeAll(async () => {
    app = await startApp({ LOOPLAB_POOL_SIZE: '1' });
    // Trigger every strategy once, so that labelled families have samples.
    for (const strategy of runnable) {
      if (strategy.method === 'GET') {
        expect((await getJson(`${app.url}${strategy.route}?ms=1`)).status).toBe(strategy.status);
        continue;
      }
      const response = await postJson<{ id: string }>(`${app.url}${strategy.route}`, {
        workload: 'cpu',
        ms: 12,
      });
      expect(response.status, strategy.name).toBe(strategy.status);
      await waitForTask(app.url, response.body.id);
    }
    exposition = await scrape(app.url);
  }, 120_000);
  afterAll(async () => {
    await app.stop();
  });

  it('has no metric of its own that the contract lacks', () => {
    const defaults = defaultCollectorFamilies();
    const known = new Set(expected.map((metric) => metric.name));
    const unlisted = [...familiesIn(exposition)].filter(
      (family) => !defaults.has(family) && !known.has(family),
    );
    expect(unlisted).toEqual([]);
  });

  it('exports every metric the contract lists for source app, runtime node', () => {
    const families = familiesIn(exposition);
    const missing = expected.filter((metric) => !families.has(metric.name)).map((m) => m.name);
    expect(missing).toEqual([]);
  });

  it('takes external metrics from the default collector', () => {
    const defaults = defaultCollectorFamilies();
    for (const metric of expected.filter((m) => m.external)) {
      expect(defaults.has(metric.name), metric.name).toBe(true);
    }
  });

  it('has samples for every strategy a strategy-labelled metric is listed for', () => {
    const missing: string[] = [];
    for (const metric of expected.filter((m) => m.labels.includes('strategy'))) {
      const listed = metric.strategies ?? runnable.map((strategy) => strategy.name);
      const isHttp = metric.key === 'httpServerDuration';
      const wanted = listed.filter(
        (name) => runnable.some((s) => s.name === name) && (isHttp || !TASKLESS.has(name)),
      );
      const seen = strategiesWithSamples(exposition, metric);
      for (const name of wanted)
        if (!seen.has(name)) missing.push(`${metric.name}{strategy="${name}"}`);
    }
    expect(missing).toEqual([]);
  });

  it('uses the contract label names on every looplab family', () => {
    for (const metric of expected.filter((m) => !m.external && m.labels.length > 0)) {
      const sample = exposition
        .split('\n')
        .find((line) =>
          line.startsWith(`${metric.name}${metric.type === 'histogram' ? '_count' : ''}{`),
        );
      if (!sample) continue;
      const labels = [...sample.matchAll(/(\w+)="/g)].map((match) => match[1]).sort();
      expect(labels, metric.name).toEqual([...metric.labels].sort());
    }
  });
});
