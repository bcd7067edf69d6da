// `npm run stack:up`: the compose stack on any machine with a Docker Engine. Pinned images are
// used as they are where present or pullable; where not, local stand-ins are built under the
// same tags (stack/standins/); services whose image can be had neither way are left out and
// named with the reason. Then `docker compose up -d --wait` for the rest, and a summary.
//   npm run stack:up [-- --pull never] [-- --timeout 300]
import { parseArgs } from 'node:util';
import { readComposeModel } from './compose-model.ts';
import { CommandError, compose } from './docker.ts';
import { type PullPolicy, provideImages } from './images.ts';
import { readPins } from './pins.ts';
import { ON_DEMAND_PROFILE, planServices } from './plan.ts';
import { takenPorts } from './ports.ts';
import { printSummary, serviceStates } from './summary.ts';

const log = (message: string) => console.log(`stack: ${message}`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      pull: { type: 'string', default: 'missing' },
      timeout: { type: 'string', default: '300' },
    },
  });
  if (values.pull !== 'missing' && values.pull !== 'never') {
    console.error(`stack:up: --pull must be "missing" or "never" (got "${values.pull}")`);
    return 2;
  }
  const timeoutS = Number(values.timeout);
  if (!Number.isInteger(timeoutS) || timeoutS < 10) {
    console.error(
      `stack:up: --timeout must be a whole number of seconds, at least 10 (got "${values.timeout}")`,
    );
    return 2;
  }
  const started = Date.now();
  const pins = readPins();
  const model = await readComposeModel(pins.images.map((i) => i.ref));
  const wanted = [...new Set(model.services.flatMap((s) => s.needs))];
  log(
    `images: ${wanted.length} pinned images for ${model.services.length} services (project "${model.project}")`,
  );
  const outcomes = await provideImages(wanted, values.pull as PullPolicy, log);
  const plan = planServices(model.services, outcomes);

  const taken = await takenPorts(model.project, plan.start);
  if (taken.length > 0) {
    for (const line of taken) console.error(`stack:up: ${line}`);
    return 1;
  }

  const toBuild = [...plan.start, ...plan.onDemand].filter((s) => s.built).map((s) => s.name);
  if (toBuild.length > 0) {
    log(`building ${toBuild.join(', ')} (cached after the first time)`);
    await compose(['--profile', ON_DEMAND_PROFILE, 'build', ...toBuild], {
      timeoutMs: 1_800_000,
      echo: '  build | ',
    });
  }
  const names = plan.start.map((s) => s.name);
  log(
    `starting ${names.join(', ')}${plan.leftOut.length > 0 ? ` (without ${plan.leftOut.map((l) => l.service).join(', ')})` : ''}`,
  );
  const up = [
    'up',
    '--detach',
    '--wait',
    '--wait-timeout',
    String(timeoutS),
    '--no-build',
    '--pull',
    'never',
    '--remove-orphans',
  ];
  let failed: unknown = null;
  try {
    await compose([...up, ...names], {
      timeoutMs: (timeoutS + 120) * 1000,
      echo: '  up | ',
    });
  } catch (error) {
    failed = error;
  }
  const states = await serviceStates();
  printSummary({ states, outcomes, plan, seconds: (Date.now() - started) / 1000 });
  if (failed !== null) {
    console.error(`stack:up: ${failed instanceof Error ? failed.message : String(failed)}`);
    console.error(
      'stack:up: see `docker compose logs <service>` for the services above that are not healthy',
    );
    return 1;
  }
  return 0;
}

if (import.meta.main) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(
        `stack:up: ${error instanceof CommandError || error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(1);
    },
  );
}
