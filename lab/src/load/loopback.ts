/** Hosts the load generator may target (safety rule: loopback only). */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Hosts besides loopback that load may go to, named explicitly (comma-separated) in
 * LOOPLAB_ALLOWED_TARGET_HOSTS: the compose stack's loadgen sets it to its own `target-app`.
 */
function allowedExtraHosts(): string[] {
  return (process.env.LOOPLAB_ALLOWED_TARGET_HOSTS ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter(Boolean);
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
        'a container network host can be allowed explicitly with LOOPLAB_ALLOWED_TARGET_HOSTS',
    );
  }
  return parsed.href;
}
