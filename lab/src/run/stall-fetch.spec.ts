import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockingStalls } from '../../test/fixtures/sample-stalls.js';
import type { StallsAnswer } from '../stall-model.js';
import { STALLS_PATH, stallCursor, stallsSince } from './stall-fetch.js';

/** An app's GET /looplab/stalls as the packages answer it: stalls with seq >= since. */
const HELD = blockingStalls(5).map((stall, seq) => ({ ...stall, seq: 10 + seq }));
const answerSince = (since: number): StallsAnswer => ({
  schemaVersion: 1,
  runtime: 'node',
  attribution: true,
  thresholdMs: 50,
  sampleIntervalMs: 5,
  next: 15,
  dropped: 2,
  stalls: HELD.filter((stall) => stall.seq >= since),
});

/** One real HTTP server; the first path segment says how it answers. */
let server: Server;
let base = '';
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    asked.push(`${url.pathname}${url.search}`);
    const [, mode] = url.pathname.split('/');
    if (url.pathname !== `/${mode}${STALLS_PATH}` || mode === 'older') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not Found"}');
      return;
    }
    if (mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>catch-all</html>');
      return;
    }
    if (mode === 'other') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"stalls":[]}');
      return;
    }
    const since = Number(url.searchParams.get('since') ?? 0);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(answerSince(since)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("fetching a phase's stalls from the app", () => {
  it('takes a cursor without asking for any stall, then the stalls since it', async () => {
    const cursor = await stallCursor(`${base}/app`);
    expect(cursor).toEqual({ next: 15, dropped: 2 });
    expect(asked.at(-1)).toBe(`/app${STALLS_PATH}?since=999999999999999`);
    // As if 2 stalls were numbered since the cursor was taken.
    const stalls = await stallsSince(`${base}/app`, { next: 13, dropped: 1 });
    expect(asked.at(-1)).toBe(`/app${STALLS_PATH}?since=13`);
    expect(stalls.status).toBe('fetched');
    if (stalls.status !== 'fetched') return;
    expect(stalls.droppedBefore).toBe(1);
    expect(stalls.answer.stalls.map((stall) => stall.seq)).toEqual([13, 14]);
  });

  it('says why an app gives none: a 404 (an older build, another service), no JSON, another JSON', async () => {
    const reasons = await Promise.all(
      ['older', 'html', 'other'].map(async (mode) => {
        const cursor = await stallCursor(`${base}/${mode}`);
        return stallsSince(`${base}/${mode}`, cursor);
      }),
    );
    expect(reasons).toEqual([
      { status: 'unavailable', reason: `GET ${STALLS_PATH} answered 404` },
      { status: 'unavailable', reason: `GET ${STALLS_PATH} answered something that is not JSON` },
      {
        status: 'unavailable',
        reason: `GET ${STALLS_PATH} answered no looplab stall list (schemaVersion is missing; lab/schema/stalls.schema.json)`,
      },
    ]);
  });

  it('says so when the app cannot be reached, without throwing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const stalls = await stallsSince(url, await stallCursor(url));
    expect(stalls).toMatchObject({ status: 'unavailable' });
    if (stalls.status === 'unavailable')
      expect(stalls.reason).toMatch(/^GET \/looplab\/stalls failed: /);
  });
});
