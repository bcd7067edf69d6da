// Loaded with `node --import`, like the app's telemetry/register.ts, under the worker's own service name.
import { startTelemetry } from '../telemetry/telemetry.js';

try {
  startTelemetry({
    ...process.env,
    OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME || 'looplab-queue-worker',
  });
} catch (error) {
  process.stderr.write(
    `looplab queue worker: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(78);
}
