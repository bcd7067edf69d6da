import { type LevelWithSilent, type Logger, pino } from 'pino';

/** JSON logs on stdout; the OpenTelemetry pino instrumentation adds trace_id/span_id. */
export function createLogger(level: LevelWithSilent, service: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
