import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TargetRequest {
  /** Normalised target URL (see assertLoopbackUrl). */
  url: string;
  /** Default: POST when a body is given, else GET. */
  method?: string | undefined;
  /** Request body: a string is sent as is, anything else as JSON.stringify(body). */
  body?: unknown;
  /** Extra request headers. With a body, Content-Type defaults to application/json. */
  headers?: Record<string, string> | undefined;
}

const HEADER_NAME = /^[!$%&'*+.^_`|~0-9A-Za-z-][!#$%&'*+.^_`|~0-9A-Za-z-]*$/;

/** `Name: value` lines of request headers, each checked (a bad one is an error naming it). */
export function headerLines(headers: Record<string, string>): string[] {
  return Object.entries(headers).map(([name, value]) => {
    const v = value.trim();
    if (!HEADER_NAME.test(name) || v === '' || /[\r\n]/.test(v)) {
      throw new Error(`invalid request header: ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
    }
    return `${name}: ${v}`;
  });
}

/** Writes vegeta's http-format targets file into `dir` (request line, header lines, @body-file); returns its path. */
export function writeTargetsFile(request: TargetRequest, dir: string): string {
  const hasBody = request.body !== undefined;
  const method = (request.method ?? (hasBody ? 'POST' : 'GET')).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new Error(`invalid HTTP method: ${request.method}`);
  const headers: Record<string, string> = { ...request.headers };
  const lines = [`${method} ${request.url}`];
  if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  lines.push(...headerLines(headers));
  if (hasBody) {
    const bodyPath = join(dir, 'body.json');
    const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    writeFileSync(bodyPath, body);
    lines.push(`@${bodyPath}`);
  }
  const path = join(dir, 'targets.http');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
