/**
 * The floor of the bench: Fastify answering GET /ping with nothing else (no Nest, no metrics,
 * no OpenTelemetry, no logger). Prints `{"port":N}` once listening on an ephemeral loopback port.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/ping', async () => ({ ok: true }));
app.get('/readyz', async () => ({ ready: true }));

app.listen({ port: 0, host: '127.0.0.1' }).then(
  () => {
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`bare fastify: ${String(error)}\n`);
    process.exit(1);
  },
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}
