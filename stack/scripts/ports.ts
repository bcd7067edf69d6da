// Before `up`: every port the stack publishes must be free on this machine, or already be this
// project's own (a stack that is up already). Otherwise Docker fails half-way with "address
// already in use"; we say which port, which .env variable moves it, and stop before starting anything.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ComposeService } from './compose-model.ts';
import { docker, REPO_ROOT } from './docker.ts';

/** "service:containerPort" -> the .env variable in its published-port spec ("APP_PORT"). */
export function portVariables(composeText: string): Map<string, string> {
  const raw = parse(composeText) as { services: Record<string, { ports?: unknown[] }> };
  const found = new Map<string, string>();
  for (const [service, spec] of Object.entries(raw.services)) {
    for (const port of spec.ports ?? []) {
      if (typeof port !== 'string') continue;
      const variable = /\$\{([A-Z0-9_]+)/.exec(port)?.[1];
      const containerPort = port.split(':').pop();
      if (variable && containerPort) found.set(`${service}:${containerPort}`, variable);
    }
  }
  return found;
}

export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Host ports published by this project's running containers (they are ours to keep). */
async function projectPorts(project: string): Promise<Set<number>> {
  const out = await docker([
    'ps',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--format',
    '{{.Ports}}',
  ]);
  return new Set([...out.matchAll(/:(\d+)->/g)].map((m) => Number(m[1])));
}

/** One line per taken port, naming the variable that moves it; empty when all are free. */
export async function takenPorts(
  project: string,
  services: readonly ComposeService[],
): Promise<string[]> {
  const variables = portVariables(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'));
  const ours = await projectPorts(project);
  const problems: string[] = [];
  for (const service of services) {
    for (const port of service.ports) {
      if (ours.has(port.hostPort) || (await isPortFree(port.hostIp, port.hostPort))) continue;
      const variable = variables.get(`${service.name}:${port.containerPort}`);
      problems.push(
        `port ${port.hostIp}:${port.hostPort} (${service.name}) is taken by another program${
          variable
            ? `: stop it, or choose another port, e.g. \`${variable}=${port.hostPort + 10_000} npm run stack:up\``
            : ''
        }`,
      );
    }
  }
  return problems;
}
