// Loaded with `node --import` so instrumentation is in place before Nest, Fastify and pino load.
import { startTelemetry } from './telemetry.js';

try {
  startTelemetry();
} catch (error) {
  process.stderr.write(
    `looplab target app: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(78);
}
