import { STRATEGIES } from '@looplab/contract';
import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../test/fixtures/sample-report.js';
import type { LabCell } from '../model.js';
import { triggerRequest } from './trigger-request.js';

const config = { ...sampleReport().config, workloadMs: 150 };
const cell = (strategy: LabCell['strategy']): LabCell => ({
  target: 'node',
  strategy,
  workload: 'sleep',
  instrumentation: 'on',
});

describe('triggerRequest', () => {
  it('builds every strategy’s request from its contract entry: method, route, body', () => {
    for (const entry of STRATEGIES) {
      const request = triggerRequest(cell(entry.name), config, 'http://127.0.0.1:1');
      expect(request.method).toBe(entry.method);
      expect(request.url.startsWith(`http://127.0.0.1:1${entry.route}`)).toBe(true);
      if (entry.method === 'POST') expect(request.body).toEqual({ workload: 'sleep', ms: 150 });
    }
  });

  it('passes the job size as ?ms= on a GET (async) and sends no body', () => {
    expect(triggerRequest(cell('async'), config, 'http://h')).toEqual({
      method: 'GET',
      url: 'http://h/async?ms=150',
    });
    expect(triggerRequest(cell('inline'), config, 'http://h')).toEqual({
      method: 'POST',
      url: 'http://h/inline',
      body: { workload: 'sleep', ms: 150 },
    });
  });
});
