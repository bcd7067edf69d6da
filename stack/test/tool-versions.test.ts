/**
 * One Prometheus: the tests run the release the compose stack runs. contract/data/versions.json
 * pins it, .env's PROMETHEUS_IMAGE must be that release, and the binaries `npm run setup` built
 * into .tools/bin must report it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prometheusVersion, REPO_ROOT } from '../../lab/src/tools/index.js';
import { parseDotEnv } from './helpers/compose-env.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const pins = JSON.parse(read('contract/data/versions.json')) as {
  prometheus: { version: string; moduleVersion: string };
  images: { PROMETHEUS_IMAGE: { ref: string } };
};
const env = Object.fromEntries(parseDotEnv(read('.env')).map((e) => [e.name, e.value]));

describe('the pinned Prometheus', () => {
  const { version, moduleVersion } = pins.prometheus;
  const image = pins.images.PROMETHEUS_IMAGE.ref;

  it('is the compose image', () => {
    expect(env.PROMETHEUS_IMAGE, '.env PROMETHEUS_IMAGE').toBe(image);
    expect(image).toBe(`prom/prometheus:v${version}`);
    // Prometheus 3.x releases are Go module versions v0.3xx.y: 3.13.2 is v0.313.2.
    const [major, minor, patch] = version.split('.').map(Number);
    expect(moduleVersion).toBe(`v0.${(major as number) * 100 + (minor as number)}.${patch}`);
  });

  it.each(['prometheus', 'promtool'])('is what .tools/bin/%s reports', (name) => {
    const bin = join(REPO_ROOT, '.tools', 'bin', name);
    const reported = prometheusVersion(bin);
    if (reported === null) {
      throw new Error(`${bin} is missing or does not run. To fix: run \`npm run setup\``);
    }
    expect(reported, `${bin} --version`).toBe(version);
  });
});
