import type { FastifyInstance } from 'fastify';

interface DeclaredPath {
  pattern: RegExp;
  methods: Set<string>;
}

/** A Fastify route path as a regular expression: `:param` is one segment, `*` anything. */
function pathPattern(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}

/**
 * Every declared path and its methods, so that a request for a declared path with a method it
 * does not have can be answered 405 with an Allow header (RFC 9110) instead of 404.
 * Install before the routes are registered.
 */
export class RouteTable {
  private readonly paths = new Map<string, DeclaredPath>();

  install(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      const declared = this.paths.get(route.url) ?? {
        pattern: pathPattern(route.url),
        methods: new Set<string>(),
      };
      for (const method of [route.method].flat()) declared.methods.add(method.toUpperCase());
      this.paths.set(route.url, declared);
    });
  }

  /** The methods a concrete path (no query string) is declared with; empty for an unknown path. */
  allowedMethods(path: string): string[] {
    const allowed = new Set<string>();
    for (const declared of this.paths.values()) {
      if (declared.pattern.test(path)) for (const method of declared.methods) allowed.add(method);
    }
    return [...allowed].sort();
  }
}
