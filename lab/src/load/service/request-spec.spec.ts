import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHeader, parseRequestLine, parseVariantFlag, readBody } from './request-spec.js';

describe('the short forms of a request, a variant, a header and a body', () => {
  it('reads a request line: a method and a path or an absolute URL; a bare path is a GET', () => {
    expect(parseRequestLine('GET /health', 'p')).toEqual({ method: 'GET', target: '/health' });
    expect(parseRequestLine(' POST  http://127.0.0.1:8000/orders ', 'p')).toEqual({
      method: 'POST',
      target: 'http://127.0.0.1:8000/orders',
    });
    expect(parseRequestLine('/health?deep=1', 'p')).toEqual({
      method: 'GET',
      target: '/health?deep=1',
    });
  });

  it('says what is wrong with a request line, quoting it', () => {
    expect(() => parseRequestLine('get /health', '--probe')).toThrow(
      /--probe "get \/health": the method must be upper case/,
    );
    expect(() => parseRequestLine('GET health', '--probe')).toThrow(
      /"health" is neither a path \(\/orders\) nor an http\(s\) URL/,
    );
    expect(() => parseRequestLine('GET /a /b', '--probe')).toThrow(/expected "METHOD \/path"/);
    expect(() => parseRequestLine('', '--probe')).toThrow(/expected "METHOD \/path"/);
  });

  it('reads a variant: NAME=request or NAME=@file', () => {
    expect(parseVariantFlag('orders=POST /orders')).toEqual({
      name: 'orders',
      request: 'POST /orders',
    });
    expect(parseVariantFlag('v2.after=@targets.http')).toEqual({
      name: 'v2.after',
      targets: 'targets.http',
    });
    expect(() => parseVariantFlag('POST /orders')).toThrow(/expected NAME=METHOD \/path/);
    expect(() => parseVariantFlag('a b=GET /')).toThrow(/the name "a b" must be/);
    expect(() => parseVariantFlag('a=@')).toThrow(/@ names no target file/);
    expect(() => parseVariantFlag('a=FETCH')).toThrow(
      /--variant a "FETCH": "FETCH" is neither a path/,
    );
  });

  it('reads a header and refuses a malformed one', () => {
    expect(parseHeader('Authorization: Bearer a:b')).toEqual(['Authorization', 'Bearer a:b']);
    expect(() => parseHeader('Authorization')).toThrow(
      /-H "Authorization": expected "Name: value"/,
    );
    expect(() => parseHeader('Bad Name: x')).toThrow(/expected "Name: value"/);
    expect(() => parseHeader('X-Empty:')).toThrow(/expected "Name: value"/);
  });

  const dir = mkdtempSync(join(tmpdir(), 'looplab-body-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a body: JSON as given, @file as it is', () => {
    expect(readBody('{"a": 1}', '--body')).toBe('{"a": 1}');
    writeFileSync(join(dir, 'body.txt'), 'not json');
    expect(readBody('@body.txt', '--body', dir)).toBe('not json');
    expect(() => readBody('{a: 1}', '--body')).toThrow(/--body "\{a: 1\}": not JSON .*@path/);
    expect(() => readBody('@missing.json', '--body', dir)).toThrow(/missing\.json not found/);
  });
});
