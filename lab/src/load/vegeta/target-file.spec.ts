import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatOf, readTargetFile } from './target-file.js';

const dir = mkdtempSync(join(tmpdir(), 'looplab-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('readTargetFile: what vegeta would refuse halfway through a run, before it starts', () => {
  it('reads http targets with headers, comments, a body file next to it, blank lines between', () => {
    file('body.json', '{}');
    const path = file(
      'ok.http',
      '# orders\nPOST http://127.0.0.1:8000/orders\nContent-Type: application/json\n@body.json\n\nGET http://localhost:8000/orders/1\nGET http://[::1]:8000/health\n',
    );
    expect(readTargetFile(path, 'http')).toEqual([
      { method: 'POST', url: 'http://127.0.0.1:8000/orders', line: 2 },
      { method: 'GET', url: 'http://localhost:8000/orders/1', line: 6 },
      { method: 'GET', url: 'http://[::1]:8000/health', line: 7 },
    ]);
  });

  it('names the line of each http mistake', () => {
    const cases: Array<[string, RegExp]> = [
      ['post http://127.0.0.1/x\n', /line 1: expected a target "METHOD URL"/],
      ['POST /orders\n', /line 1: "\/orders" is not an absolute http\(s\) URL/],
      ['POST\n', /line 1: the target "POST" has no URL/],
      ['POST http://127.0.0.1/x\nnot a header\n', /line 2: expected a header "Name: value"/],
      ['POST http://127.0.0.1/x\n@missing.json\n', /line 2: body file .*missing\.json not found/],
      [
        'POST http://127.0.0.1/x\n@body.json\n@body.json\n',
        /line 3: a target has at most one @body line/,
      ],
      ['# nothing\n\n', /holds no target/],
    ];
    file('body.json', '{}');
    for (const [text, message] of cases)
      expect(() => readTargetFile(file('bad.http', text), 'http'), text).toThrow(message);
  });

  it('reads json targets and names the line of each mistake', () => {
    const ok = file(
      'ok.json',
      `${JSON.stringify({ method: 'POST', url: 'http://127.0.0.1:1/x', header: { A: ['1'] }, body: 'e30=' })}\n\n${JSON.stringify({ method: 'GET', url: 'http://127.0.0.1:1/y' })}\n`,
    );
    expect(readTargetFile(ok, 'json').map((t) => t.line)).toEqual([1, 3]);
    const cases: Array<[string, RegExp]> = [
      ['{"method":"GET"\n', /line 1: not JSON/],
      ['[1]\n', /line 1: expected an object/],
      ['{"url":"http://127.0.0.1/x"}\n', /line 1: "method" is missing/],
      ['{"method":"GET"}\n', /line 1: "url" is missing/],
      [
        '{"method":"GET","url":"http://127.0.0.1/x","header":{"A":"1"}}\n',
        /"header" must map each name to a list of strings/,
      ],
    ];
    for (const [text, message] of cases)
      expect(() => readTargetFile(file('bad.json', text), 'json'), text).toThrow(message);
  });

  it('refuses a target on a host that is not loopback, naming its line', () => {
    const path = file('remote.http', 'GET http://127.0.0.1/a\nGET http://example.com/b\n');
    expect(() => readTargetFile(path, 'http')).toThrow(
      /remote\.http: line 2: refusing to send load to example\.com/,
    );
  });

  it('says a missing file is missing', () => {
    expect(() => readTargetFile(join(dir, 'nope.http'), 'http')).toThrow(/nope\.http: not found/);
  });

  it('takes the format from the extension', () => {
    expect(formatOf('a.json')).toBe('json');
    expect(formatOf('a.JSONL')).toBe('json');
    expect(formatOf('a.http')).toBe('http');
    expect(formatOf('targets')).toBe('http');
  });
});
