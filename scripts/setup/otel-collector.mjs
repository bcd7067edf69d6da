// The OpenTelemetry Collector of the stack's stand-in image, built with the collector builder
// (ocb) from the Go module proxy at the pinned release, with exactly the components
// stack/otel-collector/config.yaml uses (stack/standins/otel-collector/builder.yaml), into
// .tools/bin/otelcol-contrib. Only needed where otel/opentelemetry-collector-contrib cannot be pulled.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { binDir, readVersions, repoRoot, SetupError, toolsDir } from './context.mjs';
import { goEnv, requireGo } from './go.mjs';
import { outputOf, runWithProgress } from './run.mjs';

export const COLLECTOR_BINARY = join(binDir, 'otelcol-contrib');
export const BUILDER_MANIFEST = join(
  repoRoot,
  'stack',
  'standins',
  'otel-collector',
  'builder.yaml',
);
const BUILDER = join(toolsDir, 'go', 'bin', 'ocb');

/** "0.156.0" from `otelcol-contrib --version` ("otelcol-contrib version 0.156.0"), or null. */
export function collectorVersion(bin = COLLECTOR_BINARY) {
  return /version v?(\d+\.\d+\.\d+)/.exec(outputOf(bin, ['--version']) ?? '')?.[1] ?? null;
}

export async function setupOtelCollector(log) {
  const { version, builderModule } = readVersions().standins.otelCollector;
  if (collectorVersion() === version) return `otelcol-contrib ${version} already in .tools/bin`;
  const go = requireGo(`the OpenTelemetry Collector ${version}`);

  if (!outputOf(BUILDER, ['version'])?.includes(version)) {
    log(`installing the collector builder ${version} (${builderModule})`);
    const r = await runWithProgress(
      'go install ocb',
      'go',
      ['install', `${builderModule}@v${version}`],
      {
        env: goEnv({ GOBIN: join(toolsDir, 'go', 'bin') }),
      },
    );
    if (r.code !== 0 || !existsSync(join(toolsDir, 'go', 'bin', 'builder')))
      throw new SetupError(
        `installing the collector builder failed:\n${r.tail}`,
        'check the network and GOPROXY, then run `npm run setup` again',
      );
    renameSync(join(toolsDir, 'go', 'bin', 'builder'), BUILDER);
  }

  const work = join(toolsDir, 'src', `otelcol-contrib-${version}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const manifest = parse(readFileSync(BUILDER_MANIFEST, 'utf8'));
  manifest.dist.output_path = join(work, 'out');
  const manifestFile = join(work, 'builder.yaml');
  writeFileSync(manifestFile, stringify(manifest));
  log(
    `building otelcol-contrib ${version} with ${go} (the first time about 5 min on 2 idle cores)`,
  );
  const r = await runWithProgress(
    'ocb',
    BUILDER,
    ['--config', manifestFile, '--ldflags', '-s -w'],
    {
      cwd: work,
      env: goEnv(),
    },
  );
  const built = join(work, 'out', manifest.dist.name);
  if (r.code !== 0 || !existsSync(built))
    throw new SetupError(
      `building the collector failed:\n${r.tail}`,
      'fix the error above, then run `npm run setup` again',
    );
  mkdirSync(binDir, { recursive: true });
  renameSync(built, COLLECTOR_BINARY);
  rmSync(work, { recursive: true, force: true });
  const now = collectorVersion();
  if (now !== version)
    throw new SetupError(
      `the built collector reports version ${now}, expected ${version}`,
      `delete ${COLLECTOR_BINARY} and run \`npm run setup\` again`,
    );
  return `built otelcol-contrib ${version} into .tools/bin`;
}
