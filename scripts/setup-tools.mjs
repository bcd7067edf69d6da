// Puts every tool the lab runs in place: `npm run setup` (all of them, what `npm test` needs),
// `npm run setup -- --for compare` (only what `npm run compare` needs), `--for bench` (what
// `npm run bench:ping` and `npm run bench:wrk` need) or `--for stack` (what `npm run stack:up`
// needs before it looks at images). Pinned versions come from
// contract/data/versions.json. Every step is cached: a second run only checks versions.
// Built tools go to .tools/bin, Python packages to target-fastapi/.venv, system packages via apt-get.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SetupError } from './setup/context.mjs';
import { setupComposePlugins, setupDockerEngine } from './setup/docker.mjs';
import { setupOtelCollector } from './setup/otel-collector.mjs';
import { setupPrometheus } from './setup/prometheus.mjs';
import { setupSystemPackages } from './setup/system-packages.mjs';
import { setupVegeta } from './setup/vegeta.mjs';

const PROFILES = ['test', 'compare', 'bench', 'stack'];

/**
 * The FastAPI twin's venv. Its module (scripts/setup/python.mjs) and the twin itself may not
 * exist yet in a given checkout; then there is nothing to set up.
 */
async function setupPythonIfPresent() {
  const file = new URL('./setup/python.mjs', import.meta.url);
  if (!existsSync(file)) return 'nothing to do (no scripts/setup/python.mjs)';
  if (!existsSync(new URL('../target-fastapi', import.meta.url))) {
    return 'nothing to do (no target-fastapi/)';
  }
  const { setupPython } = await import(file.href);
  const result = await setupPython();
  return result?.changed === false
    ? 'target-fastapi/.venv up to date'
    : 'built target-fastapi/.venv';
}

/** Debian packages per profile (scripts/setup/system-packages.mjs). */
const SYSTEM_PACKAGES = {
  test: ['chromium', 'redis-server', 'mmdebstrap', 'wrk'],
  compare: ['redis-server'],
  bench: ['wrk'],
};

/** In order. `for`: the profiles that need the step. Each `run(log, profile)` returns what it did. */
const STEPS = [
  {
    name: 'system packages',
    for: ['test', 'compare', 'bench'],
    run: (log, profile) => setupSystemPackages(log, SYSTEM_PACKAGES[profile]),
  },
  // bench: vegeta drives `looplab bench --rate` (the fixed-rate mode).
  { name: 'vegeta', for: ['test', 'compare', 'bench'], run: setupVegeta },
  { name: 'python', for: ['test', 'compare'], run: setupPythonIfPresent },
  { name: 'prometheus', for: ['test'], run: setupPrometheus },
  { name: 'docker engine', for: ['test', 'stack'], run: setupDockerEngine },
  { name: 'docker compose and buildx', for: ['test', 'stack'], run: setupComposePlugins },
  { name: 'otel collector', for: ['test'], run: setupOtelCollector },
];

const { values } = parseArgs({ options: { for: { type: 'string', default: 'test' } } });
const profile = values.for;
if (!PROFILES.includes(profile)) {
  console.error(`setup: --for must be one of ${PROFILES.join(', ')} (got "${profile}")`);
  process.exit(2);
}

const steps = STEPS.filter((step) => step.for.includes(profile));
const failures = [];
const started = Date.now();
for (const [index, step] of steps.entries()) {
  const prefix = `setup: [${index + 1}/${steps.length}] ${step.name}`;
  const log = (message) => console.log(`${prefix}: ${message}`);
  const stepStarted = Date.now();
  const seconds = () => ((Date.now() - stepStarted) / 1000).toFixed(1);
  try {
    const done = await step.run(log, profile);
    console.log(`${prefix}: ok, ${done ?? 'done'} (${seconds()} s)`);
  } catch (error) {
    const fix = error instanceof SetupError ? error.fix : 'see the error above';
    console.error(
      `${prefix}: FAILED after ${seconds()} s: ${error instanceof Error ? error.message : error}`,
    );
    console.error(`${prefix}: to fix: ${fix}`);
    failures.push(step.name);
  }
}
const total = ((Date.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.error(`setup: ${failures.length} step(s) failed (${failures.join(', ')}) in ${total} s`);
  process.exit(1);
}
console.log(`setup: everything for \`--for ${profile}\` is in place (${total} s)`);
