/**
 * Grafana's template-variable syntax inside query text: $name, ${name}, ${name:format},
 * [[name]], [[name:format]]. Not PromQL: Grafana replaces these before Prometheus sees the query.
 */

const VARIABLE_RE = /\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g;

/** Names of the Grafana variables referenced in a text, in order of first use. */
export function variablesIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(VARIABLE_RE)) {
    const name = match[1] ?? match[2] ?? match[3];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Replaces every variable reference (the whole `${name:format}` text) by what `replace` returns. */
export function replaceVariables(
  text: string,
  replace: (name: string, reference: string) => string,
): string {
  return text.replace(VARIABLE_RE, (reference, a?: string, b?: string, c?: string) =>
    replace((a ?? b ?? c) as string, reference),
  );
}
