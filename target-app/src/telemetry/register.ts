// Loaded with `node --import` so instrumentation is in place before Nest, Fastify and pino load.
import { startTelemetry } from './telemetry.js';

startTelemetry();
