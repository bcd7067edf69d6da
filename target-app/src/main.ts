import { startApp } from './bootstrap.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { createLogger } from './logging/logger.js';
import { installShutdown } from './shutdown.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`looplab target app: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL, config.OTEL_SERVICE_NAME);
  const { app } = await startApp(config, logger);
  installShutdown(app, logger, {
    graceMs: config.LOOPLAB_SHUTDOWN_GRACE_MS,
    drainTimeoutMs: config.LOOPLAB_DRAIN_TIMEOUT_MS,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `looplab target app failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
