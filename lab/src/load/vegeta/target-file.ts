/**
 * A vegeta target file a variant names (`NAME=@targets.http`), read before any load is sent: the
 * runner passes the file to vegeta as it is (`-format`, `-targets`), so it checks here, line by
 * line, what vegeta would refuse halfway through a run, and that every URL is a host load may go
 * to. The rules are vegeta's own (lib/targets.go of the pinned v12.13.0):
 *
 * - `http`: a target is a line `METHOD URL` (an upper-case method, an absolute URL), then header
 *   lines `Name: value` and at most one `@path` line naming the body file, until a blank line or
 *   the next target; lines starting with `#` are comments. vegeta reads `@path` relative to its
 *   working directory, which the runner sets to the file's folder.
 * - `json`: one object per line, `{"method", "url", "header": {"Name": ["value"]}, "body": base64}`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { assertLoopbackUrl } from '../loopback.js';

export const TARGET_FORMATS = ['http', 'json'] as const;
export type TargetFormat = (typeof TARGET_FORMATS)[number];

export interface FileTarget {
  method: string;
  url: string;
  /** 1-based line of the file where the target starts. */
  line: number;
}

export class TargetFileError extends Error {
  constructor(path: string, problem: string) {
    super(`target file ${path}: ${problem}`);
    this.name = 'TargetFileError';
  }
}

const METHOD_LINE = /^[A-Z]+\s/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The format a file's extension says (`.json`, `.jsonl`: json; anything else: http). */
export function formatOf(path: string): TargetFormat {
  return /\.jsonl?$/i.test(path) ? 'json' : 'http';
}

/**
 * Reads and checks a target file; throws a TargetFileError naming the line of the first problem,
 * or a non-loopback host that was not allowed. Returns its targets in order.
 */
export function readTargetFile(path: string, format: TargetFormat): FileTarget[] {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new TargetFileError(path, 'not found (a variant names its file as NAME=@path)');
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const targets =
    format === 'json' ? jsonTargets(path, lines) : httpTargets(path, lines, dirname(path));
  if (targets.length === 0) throw new TargetFileError(path, 'holds no target');
  for (const target of targets) {
    try {
      assertLoopbackUrl(target.url);
    } catch (error) {
      throw new TargetFileError(path, `line ${target.line}: ${(error as Error).message}`);
    }
  }
  return targets;
}

function absoluteUrl(path: string, line: number, url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return url;
  } catch {}
  throw new TargetFileError(
    path,
    `line ${line}: ${JSON.stringify(url)} is not an absolute http(s) URL (vegeta needs one per target)`,
  );
}

function httpTargets(path: string, lines: readonly string[], folder: string): FileTarget[] {
  const targets: FileTarget[] = [];
  let current: FileTarget | undefined;
  let hasBody = false;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const number = index + 1;
    const at = (problem: string) => new TargetFileError(path, `line ${number}: ${problem}`);
    if (line.startsWith('#')) return;
    if (line === '') {
      current = undefined;
      return;
    }
    if (METHOD_LINE.test(line) || current === undefined) {
      const [method = '', url = ''] = line.split(/\s+/, 2);
      if (!/^[A-Z]+$/.test(method))
        throw at(
          `expected a target "METHOD URL" (an upper-case method), got ${JSON.stringify(line)}`,
        );
      if (url === '') throw at(`the target ${JSON.stringify(line)} has no URL`);
      current = { method, url: absoluteUrl(path, number, url), line: number };
      hasBody = false;
      targets.push(current);
      return;
    }
    if (line.startsWith('@')) {
      if (hasBody) throw at('a target has at most one @body line');
      const body = resolve(folder, line.slice(1));
      if (!existsSync(body) || !statSync(body).isFile())
        throw at(`body file ${body} not found (an @path is read relative to the target file)`);
      hasBody = true;
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || line.slice(colon + 1).trim() === '')
      throw at(`expected a header "Name: value", got ${JSON.stringify(line)}`);
  });
  return targets;
}

function jsonTargets(path: string, lines: readonly string[]): FileTarget[] {
  const targets: FileTarget[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const number = index + 1;
    const at = (problem: string) => new TargetFileError(path, `line ${number}: ${problem}`);
    if (line === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw at(`not JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw at('expected an object {"method", "url", "header", "body"}');
    const { method, url, header, body } = parsed as Record<string, unknown>;
    if (typeof method !== 'string' || method === '') throw at('"method" is missing');
    if (typeof url !== 'string' || url === '') throw at('"url" is missing');
    if (body !== undefined && (typeof body !== 'string' || !BASE64.test(body)))
      throw at('"body" must be a base64 string');
    if (
      header !== undefined &&
      (typeof header !== 'object' ||
        header === null ||
        !Object.values(header).every(
          (values) => Array.isArray(values) && values.every((v) => typeof v === 'string'),
        ))
    )
      throw at('"header" must map each name to a list of strings');
    targets.push({ method, url: absoluteUrl(path, number, url), line: number });
  });
  return targets;
}
