import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bucketsOf, type PromSample, parsePromText, sumOf } from './prom-text.js';

/** A real /metrics scrape of the target app (OpenMetrics, with exemplars and `# EOF`), trimmed. */
const FIXTURE = readFileSync(join(__dirname, '__fixtures__', 'metrics.txt'), 'utf8');

function only(samples: PromSample[]): PromSample {
  expect(samples).toHaveLength(1);
  return samples[0] as PromSample;
}

describe('parsePromText', () => {
  it('parses a name without labels and its value', () => {
    expect(parsePromText('process_start_time_seconds 1795634402\n')).toEqual([
      { name: 'process_start_time_seconds', labels: {}, value: 1795634402 },
    ]);
  });

  it('accepts colons and underscores in names and several labels', () => {
    const sample = only(parsePromText('job:rate_5m{a="1",b_c="two words",_d="x,y=z"} 0.25'));
    expect(sample).toEqual({
      name: 'job:rate_5m',
      labels: { a: '1', b_c: 'two words', _d: 'x,y=z' },
      value: 0.25,
    });
  });

  it('unescapes \\" \\\\ and \\n inside label values', () => {
    // The exposition text is: m{path="C:\\dir\\\"q\"",msg="line1\nline2"} 1
    const text = String.raw`m{path="C:\\dir\\\"q\"",msg="line1\nline2"} 1`;
    const sample = only(parsePromText(text));
    expect(sample.labels).toEqual({ path: 'C:\\dir\\"q"', msg: 'line1\nline2' });
    expect(sample.value).toBe(1);
  });

  it('keeps braces, hashes and spaces that are inside quoted label values', () => {
    const sample = only(parsePromText('m{route="/a/{id}",note="# not a comment"} 7'));
    expect(sample.labels).toEqual({ route: '/a/{id}', note: '# not a comment' });
    expect(sample.value).toBe(7);
  });

  it('reads +Inf, -Inf and NaN values and signed / exponent numbers', () => {
    const samples = parsePromText(
      ['a +Inf', 'b -Inf', 'c NaN', 'd -1.5', 'e 1e-3', 'f 2.5E+2'].join('\n'),
    );
    expect(samples.map((s) => s.value)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      -1.5,
      0.001,
      250,
    ]);
  });

  it('reads an le="+Inf" label as the string +Inf (bucketsOf turns it into Infinity)', () => {
    expect(only(parsePromText('h_bucket{le="+Inf"} 4')).labels.le).toBe('+Inf');
  });

  it('skips HELP/TYPE comments, other comments, blank lines and # EOF', () => {
    const text = [
      '# HELP up Whether the target is up.',
      '# TYPE up gauge',
      '',
      'up 1',
      '#just a comment',
      '',
      'down 0',
      '# EOF',
      '',
    ].join('\n');
    expect(parsePromText(text)).toEqual([
      { name: 'up', labels: {}, value: 1 },
      { name: 'down', labels: {}, value: 0 },
    ]);
  });

  it('ignores a trailing timestamp', () => {
    expect(parsePromText('m{a="b"} 42 1795634408462\nn 3 1795634408.462')).toEqual([
      { name: 'm', labels: { a: 'b' }, value: 42 },
      { name: 'n', labels: {}, value: 3 },
    ]);
  });

  it('ignores an OpenMetrics exemplar: its labels and value are not the sample', () => {
    const sample = only(
      parsePromText('h_bucket{le="0.5",route="/ping"} 3 # {trace_id="x"} 0.1 123'),
    );
    expect(sample).toEqual({ name: 'h_bucket', labels: { le: '0.5', route: '/ping' }, value: 3 });
  });

  it('ignores an exemplar on a sample without labels', () => {
    expect(only(parsePromText('c_total 9 # {span_id="y"} 1 2')).value).toBe(9);
  });

  describe('on a real exposition', () => {
    const samples = parsePromText(FIXTURE);

    it('reads every sample line and no comment line', () => {
      const sampleLines = FIXTURE.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      expect(samples).toHaveLength(sampleLines.length);
      expect(samples.every((s) => !s.name.startsWith('#'))).toBe(true);
    });

    it('reads gauges and counters without labels', () => {
      expect(sumOf(samples, 'nodejs_eventloop_delay_window_max_seconds')).toBe(0.062305471);
      expect(sumOf(samples, 'nodejs_eventloop_utilization_active_seconds_total')).toBe(
        0.35944271499996466,
      );
      expect(sumOf(samples, 'nodejs_eventloop_delay_seconds_count')).toBe(765);
    });

    it('reads the buckets that carry exemplars with their own count and labels', () => {
      const ping = samples.filter(
        (s) =>
          s.name === 'http_server_request_duration_seconds_bucket' && s.labels.route === '/ping',
      );
      expect(ping).toHaveLength(27);
      const le001 = ping.find((s) => s.labels.le === '0.001');
      // Fixture line: ...{le="0.001",route="/ping",...} 4 # {trace_id="96628d…",span_id="…"} 0.00… 1795…
      expect(le001?.value).toBe(4);
      expect(le001?.labels).toEqual({
        le: '0.001',
        route: '/ping',
        method: 'GET',
        status_code: '200',
        strategy: 'none',
      });
      expect(ping.find((s) => s.labels.le === '0.075')?.value).toBe(6);
      expect(samples.some((s) => 'trace_id' in s.labels || 'span_id' in s.labels)).toBe(false);
    });

    it('reads labels with dots and several values per family', () => {
      const version = samples.find((s) => s.name === 'nodejs_version_info');
      expect(version?.labels).toEqual({
        version: 'v24.21.0',
        major: '24',
        minor: '21',
        patch: '0',
      });
      expect(samples.filter((s) => s.name === 'looplab_tasks_total')).toHaveLength(6);
    });
  });
});

describe('sumOf', () => {
  const samples = parsePromText(
    [
      'tasks_total{strategy="blocking",workload="cpu",outcome="done"} 2',
      'tasks_total{strategy="blocking",workload="sleep",outcome="done"} 1',
      'tasks_total{strategy="blocking",workload="cpu",outcome="failed"} 1',
      'tasks_total{strategy="pooled",workload="cpu",outcome="done"} 10',
      'tasks_total_other{strategy="blocking",outcome="done"} 100',
      'gauge 0.5',
    ].join('\n'),
  );

  it('sums every sample of the name when no labels are given', () => {
    expect(sumOf(samples, 'tasks_total')).toBe(14);
  });

  it('keeps only samples whose labels include the given subset', () => {
    expect(sumOf(samples, 'tasks_total', { strategy: 'blocking' })).toBe(4);
    expect(sumOf(samples, 'tasks_total', { strategy: 'blocking', outcome: 'done' })).toBe(3);
    expect(sumOf(samples, 'tasks_total', { outcome: 'done' })).toBe(13);
    expect(
      sumOf(samples, 'tasks_total', { strategy: 'blocking', workload: 'cpu', outcome: 'failed' }),
    ).toBe(1);
  });

  it('matches the name exactly (no prefix match)', () => {
    expect(sumOf(samples, 'tasks')).toBe(0);
    expect(sumOf(samples, 'tasks_total_other')).toBe(100);
  });

  it('is 0 when nothing matches, including a label the samples do not have', () => {
    expect(sumOf(samples, 'missing')).toBe(0);
    expect(sumOf(samples, 'tasks_total', { strategy: 'async' })).toBe(0);
    expect(sumOf(samples, 'gauge', { strategy: 'blocking' })).toBe(0);
    expect(sumOf(samples, 'gauge')).toBe(0.5);
  });

  it('sums the real task counters per strategy and outcome', () => {
    const real = parsePromText(FIXTURE);
    expect(sumOf(real, 'looplab_tasks_total', { strategy: 'blocking', outcome: 'done' })).toBe(3);
    expect(sumOf(real, 'looplab_tasks_total', { strategy: 'blocking', outcome: 'failed' })).toBe(1);
    expect(sumOf(real, 'looplab_tasks_total', { strategy: 'pooled', outcome: 'rejected' })).toBe(2);
    expect(sumOf(real, 'looplab_tasks_total')).toBe(8);
    expect(sumOf(real, 'looplab_task_queue_depth', { strategy: 'pooled' })).toBe(2);
  });
});

describe('bucketsOf', () => {
  const text = [
    'h_bucket{le="+Inf",route="/a"} 5',
    'h_bucket{le="0.1",route="/a"} 2',
    'h_bucket{le="1",route="/a"} 4',
    'h_bucket{le="0.01",route="/a"} 1',
    'h_bucket{le="0.1",route="/b"} 10',
    'h_bucket{le="0.01",route="/b"} 7',
    'h_bucket{le="1",route="/b"} 10',
    'h_bucket{le="+Inf",route="/b"} 11',
    'h_sum{route="/a"} 3.2',
    'h_count{route="/a"} 5',
    'h_bucket_extra{le="0.1"} 99',
    'h_bucket{route="/c"} 1000',
  ].join('\n');
  const samples = parsePromText(text);

  it('sums buckets over the other labels and sorts them by bound, +Inf last', () => {
    expect(bucketsOf(samples, 'h')).toEqual([
      [0.01, 8],
      [0.1, 12],
      [1, 14],
      [Number.POSITIVE_INFINITY, 16],
    ]);
  });

  it('keeps only the buckets with the given labels', () => {
    expect(bucketsOf(samples, 'h', { route: '/a' })).toEqual([
      [0.01, 1],
      [0.1, 2],
      [1, 4],
      [Number.POSITIVE_INFINITY, 5],
    ]);
    expect(bucketsOf(samples, 'h', { route: '/zzz' })).toEqual([]);
  });

  it('ignores _sum, _count, other names and bucket lines without le', () => {
    const bounds = bucketsOf(samples, 'h').map(([le]) => le);
    expect(bounds).toEqual([0.01, 0.1, 1, Number.POSITIVE_INFINITY]);
    expect(bucketsOf(samples, 'missing')).toEqual([]);
  });

  it('reads the real event-loop delay histogram (no labels besides le)', () => {
    const lag = bucketsOf(parsePromText(FIXTURE), 'nodejs_eventloop_delay_seconds');
    expect(lag).toHaveLength(29);
    expect(lag[0]).toEqual([0.0001, 698]);
    expect(lag[4]).toEqual([0.002, 738]);
    expect(lag[13]).toEqual([0.05, 764]);
    expect(lag.at(-2)).toEqual([10, 765]);
    expect(lag.at(-1)).toEqual([Number.POSITIVE_INFINITY, 765]);
    const bounds = lag.map(([le]) => le);
    expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
  });

  it('sums the real task wait histogram over workloads for one strategy', () => {
    const real = parsePromText(FIXTURE);
    // blocking: cpu (1, 2, 2, 3, … 3) + sleep (0, 1, 1, 1, … 1)
    const wait = bucketsOf(real, 'looplab_task_wait_seconds', { strategy: 'blocking' });
    expect(wait.slice(0, 4)).toEqual([
      [0.0005, 1],
      [0.001, 3],
      [0.002, 3],
      [0.003, 4],
    ]);
    expect(wait.at(-1)).toEqual([Number.POSITIVE_INFINITY, 4]);
    expect(wait).toHaveLength(27);
    // pooled: hash + cpu, one observation each
    const run = bucketsOf(real, 'looplab_task_run_seconds', { strategy: 'pooled' });
    expect(run.slice(0, 2)).toEqual([
      [0.0005, 0],
      [0.001, 2],
    ]);
    expect(run.at(-1)).toEqual([Number.POSITIVE_INFINITY, 2]);
  });

  it('sums the HTTP histogram across routes and status codes', () => {
    const real = parsePromText(FIXTURE);
    const pooled = bucketsOf(real, 'http_server_request_duration_seconds', { strategy: 'pooled' });
    // 5 accepted (202) + 2 rejected (503) requests to /background/pooled
    expect(pooled.at(-1)).toEqual([Number.POSITIVE_INFINITY, 7]);
    expect(bucketsOf(real, 'http_server_request_duration_seconds').at(-1)).toEqual([
      Number.POSITIVE_INFINITY,
      13,
    ]);
  });
});
