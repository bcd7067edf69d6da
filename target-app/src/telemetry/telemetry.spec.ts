import { describe, expect, it } from 'vitest';
import { INSTRUMENTATION_NAMES, instrumentationsFrom } from './telemetry.js';

describe('instrumentationsFrom (LOOPLAB_TRACE_INSTRUMENTATIONS)', () => {
  it('loads every instrumentation by default', () => {
    expect(instrumentationsFrom(undefined)).toEqual(['http', 'fastify', 'pino']);
    expect(instrumentationsFrom('  ')).toEqual(INSTRUMENTATION_NAMES);
  });

  it('picks a subset, ignoring blanks and repeats', () => {
    expect(instrumentationsFrom('http, pino,,http')).toEqual(['http', 'pino']);
  });

  it('names unknown instrumentations and the known ones', () => {
    expect(() => instrumentationsFrom('http,nestjs')).toThrow(
      'LOOPLAB_TRACE_INSTRUMENTATIONS="http,nestjs": unknown nestjs (known: http, fastify, pino)',
    );
  });
});
