import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INSTRUMENTATIONS,
  INSTRUMENTATION_NAMES,
  instrumentationsFrom,
} from './telemetry.js';

describe('instrumentationsFrom (LOOPLAB_TRACE_INSTRUMENTATIONS)', () => {
  it("loads looplab's own server span source and the pino trace ids by default", () => {
    expect(DEFAULT_INSTRUMENTATIONS).toEqual(['server', 'pino']);
    expect(instrumentationsFrom(undefined)).toEqual(DEFAULT_INSTRUMENTATIONS);
    expect(instrumentationsFrom('  ')).toEqual(DEFAULT_INSTRUMENTATIONS);
  });

  it('picks a subset, ignoring blanks and repeats', () => {
    expect(instrumentationsFrom('http, pino,,http')).toEqual(['http', 'pino']);
  });

  it('names unknown instrumentations and the known ones', () => {
    expect(INSTRUMENTATION_NAMES).toEqual(['server', 'http', 'fastify', 'pino']);
    expect(() => instrumentationsFrom('http,nestjs')).toThrow(
      'LOOPLAB_TRACE_INSTRUMENTATIONS="http,nestjs": unknown nestjs (known: server, http, fastify, pino)',
    );
  });
});
