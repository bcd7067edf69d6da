/** Hosts the load generator may target (safety rule: loopback only). */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** Hosts named with `--allow-host` for this process (besides LOOPLAB_ALLOWED_TARGET_HOSTS). */
const allowedByFlag = new Set<string>();

/**
 * Allows load to go to these hosts for the rest of this process, as `--allow-host` asks: each
 * host is named explicitly, never a pattern.
 */
export function allowTargetHosts(hosts: readonly string[]): void {
  for (const host of hosts) {
    const name = host.trim().toLowerCase();
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)$/.test(name))
      throw new Error(
        `--allow-host ${JSON.stringify(host)}: name one host (a name or an address, no port, no pattern)`,
      );
    allowedByFlag.add(name);
  }
}

/**
 * Hosts besides loopback that load may go to, named explicitly: `--allow-host`, or
 * (comma-separated) LOOPLAB_ALLOWED_TARGET_HOSTS, which the compose stack's loadgen sets to its
 * own `target-app`.
 */
function allowedExtraHosts(): string[] {
  const fromEnv = (process.env.LOOPLAB_ALLOWED_TARGET_HOSTS ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter(Boolean);
  return [...fromEnv, ...allowedByFlag];
}

/** Throws unless `url` is an http(s) URL on a loopback (or explicitly allowed) host. Returns the normalised URL. */
export function assertLoopbackUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid target URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`target URL must be http(s), got ${parsed.protocol} (${url})`);
  }
  if (!LOOPBACK_HOSTS.includes(parsed.hostname) && !allowedExtraHosts().includes(parsed.hostname)) {
    throw new Error(
      `refusing to send load to ${parsed.hostname}: looplab only targets ${LOOPBACK_HOSTS.join(', ')} (${url}); ` +
        `name another host explicitly with --allow-host ${parsed.hostname} (or LOOPLAB_ALLOWED_TARGET_HOSTS)`,
    );
  }
  return parsed.href;
}
