// docker-compose.yml as Compose itself resolves it (`docker compose config --format json`: .env,
// the user's environment and the profiles applied), reduced to what the stack scripts need.
import { compose } from './docker.ts';

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

export interface ComposeService {
  name: string;
  /** The image it runs (for a built service, the tag its build produces). */
  image: string;
  /** The pinned images it needs: its image when pulled, or its build's base images (build args). */
  needs: string[];
  built: boolean;
  ports: PublishedPort[];
  profiles: string[];
  dependsOn: string[];
  healthcheck: boolean;
}

export interface ComposeModel {
  project: string;
  services: ComposeService[];
}

interface RawService {
  image?: string;
  build?: { args?: Record<string, string | null> };
  ports?: Array<{ host_ip?: string; published?: string | number; target: number }>;
  profiles?: string[];
  depends_on?: Record<string, unknown>;
  healthcheck?: { disable?: boolean; test?: unknown };
}

export function modelFrom(json: string, pinnedRefs: readonly string[]): ComposeModel {
  const raw = JSON.parse(json) as { name: string; services: Record<string, RawService> };
  const services = Object.entries(raw.services).map(([name, s]): ComposeService => {
    const buildArgs = Object.values(s.build?.args ?? {}).filter(
      (v): v is string => typeof v === 'string',
    );
    const candidates = s.build ? buildArgs : [s.image ?? ''];
    return {
      name,
      image: s.image ?? `${raw.name}-${name}`,
      needs: candidates.filter((ref) => pinnedRefs.includes(ref)),
      built: s.build !== undefined,
      ports: (s.ports ?? []).map((p) => ({
        hostIp: p.host_ip ?? '0.0.0.0',
        hostPort: Number(p.published),
        containerPort: p.target,
      })),
      profiles: s.profiles ?? [],
      dependsOn: Object.keys(s.depends_on ?? {}),
      healthcheck: s.healthcheck !== undefined && s.healthcheck.disable !== true,
    };
  });
  return { project: raw.name, services };
}

/** The resolved model, every profile included (the load generator's build needs images too). */
export async function readComposeModel(pinnedRefs: readonly string[]): Promise<ComposeModel> {
  return modelFrom(
    await compose(['--profile', 'load', 'config', '--format', 'json'], { timeoutMs: 60_000 }),
    pinnedRefs,
  );
}
