/**
 * The short forms `looplab compare` takes for your own service, on the command line and in a
 * config file alike: a request `METHOD path-or-URL`, a variant `NAME=METHOD path-or-URL` or
 * `NAME=@targets-file`, a header `Name: value`, a body `JSON` or `@file`. Each is checked here;
 * a mistake is an error that quotes what was given and says what was expected.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** A request as given: its method and where it goes (a path, or an absolute URL). */
export interface RequestLine {
  method: string;
  /** "/orders?x=1" (relative to the variant's base URL) or "http://127.0.0.1:8001/orders". */
  target: string;
}

export class ServiceSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceSpecError';
  }
}

/** A variant's name: it names a report row, a chart and a budget. */
const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const METHOD = /^[A-Z]+$/;

export function isAbsoluteUrl(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

/** `GET /health`, `POST http://127.0.0.1:8000/orders`, or a bare path (GET). */
export function parseRequestLine(text: string, what: string): RequestLine {
  const parts = text.trim().split(/\s+/);
  const [first = '', second, ...rest] = parts;
  if (rest.length > 0 || first === '')
    throw new ServiceSpecError(
      `${what} ${JSON.stringify(text)}: expected "METHOD /path" or "METHOD http://host:port/path"`,
    );
  const [method, target] = second === undefined ? ['GET', first] : [first, second];
  if (!METHOD.test(method))
    throw new ServiceSpecError(
      `${what} ${JSON.stringify(text)}: the method must be upper case (GET, POST, ...), got ${JSON.stringify(method)}`,
    );
  if (!target.startsWith('/') && !isAbsoluteUrl(target))
    throw new ServiceSpecError(
      `${what} ${JSON.stringify(text)}: ${JSON.stringify(target)} is neither a path (/orders) nor an http(s) URL`,
    );
  return { method, target };
}

export function checkVariantName(name: string, what: string): string {
  if (!VARIANT_NAME.test(name))
    throw new ServiceSpecError(
      `${what}: the name ${JSON.stringify(name)} must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  return name;
}

/** `NAME=METHOD path-or-URL` or `NAME=@targets-file` (`--variant`). */
export function parseVariantFlag(
  text: string,
): { name: string; request: string } | { name: string; targets: string } {
  const equals = text.indexOf('=');
  if (equals < 0)
    throw new ServiceSpecError(
      `--variant ${JSON.stringify(text)}: expected NAME=METHOD /path (e.g. orders='POST /orders') or NAME=@targets.http`,
    );
  const name = checkVariantName(text.slice(0, equals).trim(), `--variant ${JSON.stringify(text)}`);
  const spec = text.slice(equals + 1).trim();
  if (spec.startsWith('@')) {
    if (spec.length === 1)
      throw new ServiceSpecError(`--variant ${JSON.stringify(text)}: @ names no target file`);
    return { name, targets: spec.slice(1) };
  }
  parseRequestLine(spec, `--variant ${name}`);
  return { name, request: spec };
}

/** `Name: value` (`-H`). */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = text.slice(0, Math.max(0, colon)).trim();
  const value = text.slice(colon + 1).trim();
  if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || value === '')
    throw new ServiceSpecError(`-H ${JSON.stringify(text)}: expected "Name: value"`);
  return [name, value];
}

/**
 * A request body: `@path` is a file sent as it is (relative to `folder`); anything else must be
 * JSON, sent as given.
 */
export function readBody(text: string, what: string, folder = process.cwd()): string {
  if (text.startsWith('@')) {
    const path = resolve(folder, text.slice(1));
    if (!existsSync(path) || !statSync(path).isFile())
      throw new ServiceSpecError(`${what} ${text}: file ${path} not found`);
    return readFileSync(path, 'utf8');
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new ServiceSpecError(
      `${what} ${JSON.stringify(text.slice(0, 80))}: not JSON (${(error as Error).message}); name a file with @path to send anything else`,
    );
  }
  return text;
}
