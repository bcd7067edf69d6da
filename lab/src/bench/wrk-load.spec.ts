import { describe, expect, it } from 'vitest';
import { parseReport, resultOf } from './wrk-load.js';

const OUTPUT = `Running 5s test @ http://127.0.0.1:3000/ping
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   214.37us   80.12us   6.02ms   95.12%
looplab-wrk {"requests":100000,"durationUs":5000000,"connect":0,"read":0,"write":0,"status":40,"timeout":2,"p50Us":190.0,"p99Us":410.5,"maxUs":6020.0}
Requests/sec:  20000.00
`;

describe('wrk report', () => {
  it('reads the summary line the report script prints', () => {
    const result = resultOf(parseReport(OUTPUT));
    expect(result).toEqual({
      requests: 100_000,
      ok: 99_960,
      reqPerS: 19_992,
      durationS: 5,
      p50Ms: 0.19,
      p99Ms: 0.4105,
      maxMs: 6.02,
      problems: ['40× status ≥ 400', '2 timeout error(s)'],
    });
  });

  it('says so when wrk printed no summary', () => {
    expect(() => parseReport('unable to connect to 127.0.0.1:1 Connection refused\n')).toThrow(
      'wrk printed no summary',
    );
  });
});
