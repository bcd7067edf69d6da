// A plain node:http service that knows nothing of looplab: the kind of code `looplab compare
// --variant` is for. POST /report answers 202 and then builds the report synchronously on the
// event loop (the trap); POST /report-worker answers 202 and hands the same work to a worker
// thread. GET /health is the cheap route a probe uses.
//
// SERVICE_METRICS picks what it exports, as a team adds instruments over time:
//   none         no /metrics at all (404)
//   prom-client  prom-client's default metrics under its own prefix (shop_), on its own registry
//   looplab      the same, plus @looplab/instrument registered on that registry (and its
//                GET /looplab/stalls)
// HOST and PORT are where it listens (default 127.0.0.1, any free port, printed as {"port": N}).
// REPORT_MS sizes the work (default 150);
// FIXED=1 makes POST /report use the worker too (the deployment after the fix). POST /broken
// always answers 500.
import { createServer } from 'node:http';
import { Worker } from 'node:worker_threads';

const mode = process.env.SERVICE_METRICS ?? 'none';
const reportMs = Number(process.env.REPORT_MS ?? 150);
const fixed = process.env.FIXED === '1';

function buildReport(ms) {
  const end = performance.now() + ms;
  let x = 1;
  while (performance.now() < end) x = (x * 1103515245 + 12345) % 2147483648;
  return x;
}

const worker = new Worker(
  `const { parentPort } = require('node:worker_threads');
   parentPort.on('message', (ms) => {
     const end = performance.now() + ms;
     let x = 1;
     while (performance.now() < end) x = (x * 1103515245 + 12345) % 2147483648;
     parentPort.postMessage(x);
   });`,
  { eval: true },
);
worker.unref();

let registry;
let looplab;
if (mode !== 'none') {
  const client = await import('prom-client');
  registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'shop_' });
  if (mode === 'looplab') {
    const { instrument } = await import('@looplab/instrument');
    looplab = instrument({ registry });
  }
}

const server = createServer(async (req, res) => {
  if (looplab?.handle(req, res)) return;
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  } else if (req.method === 'GET' && path === '/metrics' && registry) {
    res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
  } else if (req.method === 'POST' && (path === '/report' || path === '/report-worker')) {
    req.resume();
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
    if (path === '/report' && !fixed) setImmediate(() => buildReport(reportMs));
    else worker.postMessage(reportMs);
  } else if (req.method === 'POST' && path === '/broken') {
    req.resume();
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"always"}');
  } else {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  }
});
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
