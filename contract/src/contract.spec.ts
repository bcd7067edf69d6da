import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { metricsData, strategiesData } from './generated.js';
import {
  BASELINE_STRATEGY,
  CONTRACT_DATA_DIR,
  LABEL_HELP,
  METRIC_LIST,
  metricByName,
  metricsOf,
  RUNTIMES,
  STRATEGIES,
  sampleNames,
  strategy,
  strategyOfRoute,
  WORKER_STRATEGY,
  WORKLOAD_KINDS,
} from './index.js';

const schema = JSON.parse(
  readFileSync(join(CONTRACT_DATA_DIR, '..', 'schema', 'contract.schema.json'), 'utf8'),
);
const readData = (name: string) =>
  JSON.parse(readFileSync(join(CONTRACT_DATA_DIR, `${name}.json`), 'utf8'));

describe('contract data', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addSchema(schema);
  it.each(['versions', 'defaults', 'workloads', 'strategies', 'metrics'])(
    '%s.json matches its schema',
    (name) => {
      const validate = ajv.getSchema(`${schema.$id}#/$defs/${name}`);
      expect(validate).toBeDefined();
      const valid = validate?.(readData(name));
      expect(validate?.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    },
  );

  it('strategies have unique names and routes, and the baseline is one of them', () => {
    const names = STRATEGIES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    const routes = STRATEGIES.map((s) => `${s.method} ${s.route}`);
    expect(new Set(routes).size).toBe(routes.length);
    expect(names).toContain(BASELINE_STRATEGY);
    for (const runtime of RUNTIMES) {
      expect(STRATEGIES.filter((s) => s.runtimes.includes(runtime)).map((s) => s.name)).toContain(
        BASELINE_STRATEGY,
      );
    }
    expect(strategyOfRoute('/background/pooled')).toBe('pooled');
    expect(strategyOfRoute('/ping')).toBeUndefined();
  });

  it('one strategy runs in the queue worker process, and it needs Redis', () => {
    expect(STRATEGIES.filter((s) => s.workerProcess).map((s) => s.name)).toEqual([WORKER_STRATEGY]);
    expect(strategy(WORKER_STRATEGY).needs).toContain('redis');
  });

  it('strategy runtimes are declared runtimes', () => {
    for (const s of strategiesData.strategies)
      for (const runtime of s.runtimes) expect(RUNTIMES).toContain(runtime);
  });

  it('metrics use declared labels, bucket sets, runtimes and strategies, and unique names', () => {
    const names = METRIC_LIST.flatMap(sampleNames);
    expect(new Set(names).size).toBe(names.length);
    for (const metric of METRIC_LIST) {
      for (const label of metric.labels) expect(Object.keys(LABEL_HELP)).toContain(label);
      for (const runtime of metric.runtimes) expect(RUNTIMES).toContain(runtime);
      for (const name of metric.strategies ?? [])
        expect(STRATEGIES.map((s) => s.name)).toContain(name);
      if (metric.type === 'histogram') expect(metric.buckets?.length ?? 0).toBeGreaterThan(0);
      else expect(metric.buckets).toBeUndefined();
      if (metric.type === 'counter') expect(metric.name.endsWith('_total')).toBe(true);
      if (metric.source.includes('loadgen')) expect(metric.runtimes).toEqual([]);
      else expect(metric.runtimes.length).toBeGreaterThan(0);
    }
    for (const buckets of Object.values(metricsData.buckets))
      expect([...buckets].sort((a, b) => a - b)).toEqual(buckets);
  });

  it('finds a metric by any of its sample names', () => {
    expect(metricByName('nodejs_eventloop_delay_seconds_bucket')?.key).toBe('eventLoopDelay');
    expect(metricByName('looplab_tasks_total')?.key).toBe('tasks');
    expect(metricByName('nope')).toBeUndefined();
    expect(metricsOf('loadgen').every((m) => m.name.startsWith('looplab_'))).toBe(true);
  });

  it('workload kinds are listed once each', () => {
    expect(new Set(WORKLOAD_KINDS).size).toBe(WORKLOAD_KINDS.length);
  });
});
