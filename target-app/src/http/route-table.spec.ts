import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { RouteTable } from './route-table.js';

async function tableFor(routes: Array<[string, string]>): Promise<RouteTable> {
  const fastify = Fastify();
  const table = new RouteTable();
  table.install(fastify);
  for (const [method, url] of routes) fastify.route({ method, url, handler: async () => ({}) });
  await fastify.ready();
  await fastify.close();
  return table;
}

describe('RouteTable', () => {
  it('lists the methods of a static path, HEAD included for GET', async () => {
    const table = await tableFor([
      ['GET', '/ping'],
      ['POST', '/inline'],
    ]);
    expect(table.allowedMethods('/ping')).toEqual(['GET', 'HEAD']);
    expect(table.allowedMethods('/inline')).toEqual(['POST']);
  });

  it('matches a parameter as one path segment', async () => {
    const table = await tableFor([['GET', '/tasks/:id']]);
    expect(table.allowedMethods('/tasks/0d5d1a3e-1111-2222-3333-444444444444')).toEqual([
      'GET',
      'HEAD',
    ]);
    expect(table.allowedMethods('/tasks/a/b')).toEqual([]);
    expect(table.allowedMethods('/tasks')).toEqual([]);
  });

  it('matches a wildcard and nothing for unknown paths', async () => {
    const table = await tableFor([['GET', '/docs/*']]);
    expect(table.allowedMethods('/docs/swagger-ui.css')).toEqual(['GET', 'HEAD']);
    expect(table.allowedMethods('/nope')).toEqual([]);
  });

  it('does not read regex characters in a path as a pattern', async () => {
    const table = await tableFor([['GET', '/a.b']]);
    expect(table.allowedMethods('/a.b')).toEqual(['GET', 'HEAD']);
    expect(table.allowedMethods('/axb')).toEqual([]);
  });
});
