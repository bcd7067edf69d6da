import { ConfigError, loadConfig } from './config/app-config.js';

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
  // Loaded only once the configuration is valid, so a bad one is reported without the wait.
  const [{ startApp }, { createLogger }, { installShutdown }] = await Promise.all([
    import('./bootstrap.js'),
    import('./logging/logger.js'),
    import('./shutdown.js'),
  ]);
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
