// Which services of the stack can run here, given which images could be had.
import type { ComposeService } from './compose-model.ts';
import type { ImageOutcome } from './images.ts';

/** Services that only run on demand (`docker compose --profile load run ... loadgen`). */
export const ON_DEMAND_PROFILE = 'load';

export interface Plan {
  start: ComposeService[];
  onDemand: ComposeService[];
  leftOut: Array<{ service: string; reason: string }>;
}

/**
 * Which services can run, given which images could be had: a service is left out when an image
 * it needs is missing, or when a service it depends on is left out.
 */
export function planServices(
  services: readonly ComposeService[],
  outcomes: readonly ImageOutcome[],
): Plan {
  const reasons = new Map<string, string>();
  for (const o of outcomes) if (!o.had) reasons.set(o.pin.ref, `${o.pin.ref} ${o.reason}`);
  const leftOut = new Map<string, string>();
  for (const service of services) {
    const lacking = service.needs.filter((ref) => reasons.has(ref));
    if (lacking.length > 0)
      leftOut.set(service.name, lacking.map((ref) => reasons.get(ref)).join('; '));
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const service of services) {
      const gone = service.dependsOn.find((name) => leftOut.has(name));
      if (!leftOut.has(service.name) && gone) {
        leftOut.set(service.name, `depends on ${gone}, which is left out`);
        changed = true;
      }
    }
  }
  const kept = services.filter((s) => !leftOut.has(s.name));
  return {
    start: kept.filter((s) => !s.profiles.includes(ON_DEMAND_PROFILE)),
    onDemand: kept.filter((s) => s.profiles.includes(ON_DEMAND_PROFILE)),
    leftOut: [...leftOut].map(([service, reason]) => ({ service, reason })),
  };
}
