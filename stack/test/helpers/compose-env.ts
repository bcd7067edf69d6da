/**
 * The two bits of Docker Compose that a static check needs: reading `.env` and interpolating
 * `${VAR}` references the way Compose does (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/).
 *
 * Supported: `$$` (a literal `$`), `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}`. Nested
 * references inside a default are not (docker-compose.yml does not use them).
 */

export interface DotEnvEntry {
  name: string;
  value: string;
  /** 1-based line number in the file. */
  line: number;
  /** The line right above is a `#` comment. */
  commented: boolean;
}

/** Parses a `.env` file: `NAME=value` lines, `#` comments and blank lines; nothing else. */
export function parseDotEnv(text: string): DotEnvEntry[] {
  const entries: DotEnvEntry[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`.env line ${index + 1} is not NAME=value: ${JSON.stringify(raw)}`);
    const [, name = '', value = ''] = m;
    const previous = index > 0 ? (lines[index - 1] ?? '').trim() : '';
    entries.push({ name, value, line: index + 1, commented: previous.startsWith('#') });
  });
  return entries;
}

export interface Reference {
  name: string;
  /** `:-`, `-`, `:?`, `?`, `:+`, `+`, or '' for a plain `${VAR}` / `$VAR`. */
  operator: string;
  /** The default, error message or replacement after the operator. */
  argument: string;
}

const REFERENCE =
  /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Every `${...}` / `$VAR` reference in a string (`$$` escapes are skipped). */
export function referencesIn(text: string): Reference[] {
  const found: Reference[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    if (m[0] === '$$') continue;
    const name = m[1] ?? m[4];
    if (name) found.push({ name, operator: m[2] ?? '', argument: m[3] ?? '' });
  }
  return found;
}

/** Replaces the references in one string; throws on `${VAR:?msg}` / `${VAR?msg}` like Compose. */
export function interpolateString(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    REFERENCE,
    (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare) as string;
      const value = env[name];
      const set = value !== undefined;
      const nonEmpty = set && value !== '';
      switch (op ?? '') {
        case ':-':
          return nonEmpty ? value : (arg ?? '');
        case '-':
          return set ? value : (arg ?? '');
        case ':?':
          if (!nonEmpty) throw new Error(`required variable ${name} is missing a value: ${arg}`);
          return value as string;
        case '?':
          if (!set) throw new Error(`required variable ${name} is missing a value: ${arg}`);
          return value as string;
        case ':+':
          return nonEmpty ? (arg ?? '') : '';
        case '+':
          return set ? (arg ?? '') : '';
        default:
          return value ?? '';
      }
    },
  );
}

/** Deep copy of a parsed YAML tree with every string value interpolated (keys are left alone). */
export function interpolate<T>(tree: T, env: Record<string, string | undefined>): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return interpolateString(node, env);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]));
    }
    return node;
  };
  return walk(tree) as T;
}

/** Every reference found in the string values of a parsed YAML tree (comments are not seen). */
export function referencesInTree(tree: unknown): Reference[] {
  const found: Reference[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') found.push(...referencesIn(node));
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(tree);
  return found;
}

/** Compose durations (`1m30s`, `35s`, `500ms`, `2h`) in seconds. */
export function durationSeconds(text: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`not a duration: ${JSON.stringify(text)}`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] as string] ?? Number.NaN), 0);
}
