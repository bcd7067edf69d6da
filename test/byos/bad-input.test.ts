/**
 * `looplab compare` of your own service given what goes wrong in real life: a service that is not
 * there, a probe that answers 404, a variant that answers 500, a malformed target file or config,
 * a host that is not loopback. Each is a clear error before any load is sent (and no report), or
 * a report whose failing row is marked and that says it is incomplete (exit 4). And a vegeta
 * target file, in either format, passed through.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, type RunningService, row, startOrdersService } from './support/services.js';

const out = mkdtempSync(join(tmpdir(), 'looplab-byos-bad-'));
let service: RunningService;
beforeAll(async () => {
  service = await startOrdersService({ SERVICE_METRICS: 'none', REPORT_MS: '20' });
}, 60_000);
afterAll(async () => {
  await service?.stop();
  rmSync(out, { recursive: true, force: true });
});

const SHORT = ['--duration', '2', '--warmup', '0'];
const file = (name: string, text: string) => {
  const path = join(out, name);
  writeFileSync(path, text);
  return path;
};

/** A port nobody listens on (taken, then given back). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A run that must fail before any load: exit 1, the message, and no run folder. */
async function refused(args: string[], runId: string, message: RegExp): Promise<void> {
  const run = await compare(args, out, runId);
  expect(run.cli.code, run.cli.stdout).toBe(1);
  expect(run.cli.stderr).toMatch(message);
  expect(existsSync(join(out, runId)), 'no report folder').toBe(false);
}

describe('a clear error before any load, and no report', () => {
  it('an unreachable target', async () => {
    const port = await freePort();
    await refused(
      [
        '--target-url',
        `http://127.0.0.1:${port}`,
        '--probe',
        'GET /health',
        '--variant',
        'a=POST /report',
        ...SHORT,
      ],
      'unreachable',
      new RegExp(
        `the service at http://127\\.0\\.0\\.1:${port} does not answer \\(ECONNREFUSED on GET http://127\\.0\\.0\\.1:${port}/health\\): is it running`,
      ),
    );
  });

  it('a probe that answers 404', async () => {
    await refused(
      [
        '--target-url',
        service.url,
        '--probe',
        'GET /nope',
        '--variant',
        'a=POST /report',
        ...SHORT,
      ],
      'probe-404',
      /the probe GET \/nope answered 404 at http:\/\/127\.0\.0\.1:\d+\/nope \(variant a\): a probe must answer 2xx/,
    );
  });

  it('a malformed target file, named by its line', async () => {
    const targets = file('bad.http', `POST ${service.url}/report\nthis is not a header\n`);
    await refused(
      ['--probe', 'GET /health', '--variant', `a=@${targets}`, ...SHORT],
      'bad-targets',
      /target file .*bad\.http: line 2: expected a header "Name: value", got "this is not a header"/,
    );
    const json = file('bad.json', '{"method":"POST","url":"http://127.0.0.1:1/x","body":"%%%"}\n');
    await refused(
      ['--probe', 'GET /health', '--variant', `a=@${json}`, ...SHORT],
      'bad-json-targets',
      /target file .*bad\.json: line 1: "body" must be a base64 string/,
    );
  });

  it('a malformed config file, named by its field', async () => {
    const missing = file('missing.json', JSON.stringify({ probe: 'GET /health' }));
    await refused(
      ['--config', missing, ...SHORT],
      'config-missing',
      /config file .*missing\.json: variants is missing/,
    );
    const both = file(
      'both.json',
      JSON.stringify({
        probe: 'GET /health',
        targetUrl: service.url,
        variants: [{ name: 'a', request: 'POST /report', targets: 'x.http' }],
      }),
    );
    await refused(
      ['--config', both, ...SHORT],
      'config-both',
      /config file .*both\.json: variants\[0\] needs exactly one of request \("METHOD \/path"\) and targets/,
    );
    const typo = file(
      'typo.json',
      JSON.stringify({ probe: 'GET /health', variants: [{ name: 'a', reqest: 'POST /x' }] }),
    );
    await refused(
      ['--config', typo, ...SHORT],
      'config-typo',
      /variants\[0\]\.reqest is not a field of variants\[0\]/,
    );
    const notJson = file('broken.json', '{ "probe": ');
    await refused(
      ['--config', notJson, ...SHORT],
      'config-json',
      /config file .*broken\.json: .*JSON/,
    );
  });

  it('a host that is not loopback, unless it is named with --allow-host', async () => {
    await refused(
      [
        '--target-url',
        'http://example.com',
        '--probe',
        'GET /health',
        '--variant',
        'a=POST /report',
        ...SHORT,
      ],
      'remote',
      /refusing to send load to example\.com: .* name another host explicitly with --allow-host example\.com/,
    );
    // A target file is checked line by line too.
    const remote = file(
      'remote.http',
      `GET ${service.url}/health\n\nPOST http://example.com/report\n`,
    );
    await refused(
      [
        '--probe',
        'GET /health',
        '--target-url',
        service.url,
        '--variant',
        `a=@${remote}`,
        ...SHORT,
      ],
      'remote-targets',
      /target file .*remote\.http: line 3: refusing to send load to example\.com/,
    );
  });
});

describe('a host named with --allow-host', () => {
  let other: RunningService;
  beforeAll(async () => {
    // 127.0.0.2 is this machine too, but not one of the loopback names looplab allows by itself.
    other = await startOrdersService({
      SERVICE_METRICS: 'none',
      REPORT_MS: '20',
      HOST: '127.0.0.2',
    });
  }, 60_000);
  afterAll(() => other?.stop());

  it('is refused until it is named, then measured', async () => {
    const args = [
      '--target-url',
      other.url,
      '--probe',
      'GET /health',
      '--variant',
      'a=POST /report',
      ...SHORT,
    ];
    await refused(args, 'not-named', /refusing to send load to 127\.0\.0\.2/);
    const run = await compare([...args, '--allow-host', '127.0.0.2'], out, 'named');
    expect(run.cli.code, run.cli.stderr).toBe(0);
    expect(row(run.report, 'a').probe.count).toBeGreaterThan(0);
  });
});

describe('a variant that answers 500', () => {
  it('is a marked row of a report that says it is incomplete (exit 4)', async () => {
    const run = await compare(
      [
        '--target-url',
        service.url,
        '--probe',
        'GET /health',
        '--variant',
        'ok=POST /report-worker',
        '--variant',
        'broken=POST /broken',
        ...SHORT,
      ],
      out,
      'broken',
    );
    expect(run.cli.code, run.cli.stderr).toBe(4);
    const broken = row(run.report, 'broken');
    expect(broken.trigger.errors).toBe(broken.trigger.sent);
    expect(broken.trigger.accepted).toBe(0);
    expect(row(run.report, 'ok').trigger.errors).toBe(0);
    expect(run.report?.problems).toEqual([
      `broken: ${broken.trigger.sent} of ${broken.trigger.sent} of its own requests failed`,
    ]);
    expect(run.markdown).toContain('> **Incomplete:**');
    expect(run.markdown).toMatch(/\| broken ⚠ failing \|/);
    expect(run.report?.verdict).toContain("of broken's own requests failed");
    expect(run.cli.stdout).toContain('incomplete: broken:');
  });
});

describe('budgets name variants', () => {
  it('a broken one exits 3; a name that is no variant of the run is an error', async () => {
    const budgets = file(
      'budgets.json',
      JSON.stringify({
        budgets: [
          { name: 'a keeps p99 under 1 µs', strategy: 'a', metric: 'probe.p99', maxMs: 0.001 },
          {
            name: 'a within 10x of b',
            strategy: 'a',
            metric: 'probe.p99',
            maxRatio: 10,
            relativeTo: 'b',
          },
        ],
      }),
    );
    const args = [
      '--target-url',
      service.url,
      '--probe',
      'GET /health',
      '--variant',
      'a=POST /report-worker',
      '--variant',
      'b=POST /report-worker',
      ...SHORT,
    ];
    const run = await compare([...args, '--budgets', budgets], out, 'budgets');
    expect(run.cli.code, run.cli.stderr).toBe(3);
    expect(run.report?.budgets.map((b) => [b.name, b.passed])).toEqual([
      ['a keeps p99 under 1 µs', false],
      ['a within 10x of b', true],
    ]);
    const unknown = file(
      'unknown.json',
      JSON.stringify({
        budgets: [{ name: 'x', strategy: 'pooled', metric: 'probe.p99', maxMs: 5 }],
      }),
    );
    await refused(
      [...args, '--budgets', unknown],
      'budgets-unknown',
      /budgets\[0\]\.strategy must be one of a, b/,
    );
  });
});

describe('a vegeta target file, passed through', () => {
  it('in the http format (a header, a body file) and the json format', async () => {
    file('body.json', '{"size":"small"}');
    const http = file(
      'orders.http',
      `# two targets, round-robin\nPOST ${service.url}/report-worker\nContent-Type: application/json\n@body.json\n\nPOST ${service.url}/report\n`,
    );
    const json = file(
      'orders.json',
      `${JSON.stringify({ method: 'POST', url: `${service.url}/report-worker`, header: { 'X-Team': ['a'] }, body: Buffer.from('{}').toString('base64') })}\n`,
    );
    const run = await compare(
      [
        '--probe',
        'GET /health',
        '--variant',
        `http=@${http}`,
        '--variant',
        `json=@${json}`,
        '-H',
        'X-Trace: on',
        ...SHORT,
      ],
      out,
      'targets',
    );
    expect(run.cli.code, run.cli.stdout + run.cli.stderr).toBe(0);
    const [first, second] = run.report?.config.service?.variants ?? [];
    expect(first?.targets).toMatchObject({ format: 'http', count: 2 });
    expect(second?.targets).toMatchObject({ format: 'json', count: 1 });
    // No --target-url: each file's own origin is the service its probe goes to.
    expect(first?.probe.url).toBe(`${service.url}/health`);
    for (const name of ['http', 'json']) {
      const result = row(run.report, name);
      expect(result.trigger.sent, name).toBeGreaterThan(0);
      expect(result.trigger.accepted, name).toBe(result.trigger.sent);
    }
  });
});
