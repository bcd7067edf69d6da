// What `npm run stack:up` prints at the end: every service with its state, health, where its
// image came from and where to reach it; the services left out and why; the on-demand ones.
import { compose } from './docker.ts';
import type { ImageOutcome } from './images.ts';
import type { Plan } from './plan.ts';

export interface ServiceState {
  service: string;
  state: string;
  health: string;
  image: string;
  /** Host ports published, "127.0.0.1:8080->3000". */
  published: Array<{ url: string; hostPort: number; containerPort: number }>;
}

interface PsLine {
  Service: string;
  State: string;
  Health: string;
  Image: string;
  Publishers?: Array<{ URL: string; TargetPort: number; PublishedPort: number }> | null;
}

/** `docker compose ps --all`, one entry per container of the project. */
export async function serviceStates(): Promise<ServiceState[]> {
  const out = await compose(['--profile', 'load', 'ps', '--all', '--format', 'json'], {
    timeoutMs: 60_000,
  });
  const lines = out.trim().startsWith('[')
    ? (JSON.parse(out) as PsLine[])
    : out
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as PsLine);
  return lines.map((line) => ({
    service: line.Service,
    state: line.State,
    health: line.Health || '-',
    image: line.Image,
    published: (line.Publishers ?? [])
      .filter((p) => p.PublishedPort > 0)
      .map((p) => ({ url: p.URL, hostPort: p.PublishedPort, containerPort: p.TargetPort })),
  }));
}

const pad = (text: string, width: number) => text.padEnd(width);

function imageSource(ref: string, outcomes: readonly ImageOutcome[]): string {
  const outcome = outcomes.find((o) => o.pin.ref === ref);
  if (!outcome?.had) return '';
  return outcome.how.startsWith('stand-in')
    ? 'local stand-in'
    : outcome.how === 'pulled'
      ? 'pulled'
      : 'image';
}

export function printSummary(input: {
  states: readonly ServiceState[];
  outcomes: readonly ImageOutcome[];
  plan: Plan;
  seconds: number;
}): void {
  const { states, outcomes, plan, seconds } = input;
  console.log(
    `\nstack: ${states.filter((s) => s.state === 'running').length} services running after ${seconds.toFixed(0)} s\n`,
  );
  console.log(
    `  ${pad('service', 16)}${pad('state', 10)}${pad('health', 11)}${pad('image', 48)}on this machine`,
  );
  for (const s of [...states].sort((a, b) => a.service.localeCompare(b.service))) {
    const service = plan.start.find((p) => p.name === s.service);
    const from = service?.built
      ? `built on ${service.needs.map((ref) => `${ref} (${imageSource(ref, outcomes)})`).join(', ')}`
      : imageSource(s.image, outcomes);
    const where =
      s.published.map((p) => `127.0.0.1:${p.hostPort}`).join(' ') || '(compose network only)';
    console.log(
      `  ${pad(s.service, 16)}${pad(s.state, 10)}${pad(s.health, 11)}${pad(s.image, 48)}${where}`,
    );
    if (from) console.log(`  ${pad('', 37)}${from}`);
  }
  if (plan.leftOut.length > 0) {
    console.log('\n  left out (their images cannot be had here):');
    for (const l of plan.leftOut) console.log(`  ${pad(l.service, 16)}${l.reason}`);
  }
  if (plan.onDemand.length > 0) {
    console.log(
      `\n  on demand: ${plan.onDemand.map((s) => s.name).join(', ')} (image built; run load with the README's \`docker compose --profile load run ... loadgen compare ...\`)`,
    );
  }
  console.log(
    '\n  stop with `npm run stack:down` (add `-- --volumes` to delete the stored data too)\n',
  );
}
