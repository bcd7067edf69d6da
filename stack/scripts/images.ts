// Which pinned images the stack can have here, and how: already present, pulled, or built as a
// local stand-in under the same tag. An image with neither leaves its services out, with the reason.
import { run } from './docker.ts';
import { type ImagePin, noStandinReason, readPins, type StackPins } from './pins.ts';
import { buildStandin, localImage, recipeHash } from './standins.ts';

export type PullPolicy = 'missing' | 'never';

export type ImageOutcome =
  | { pin: ImagePin; had: true; how: 'present' | 'pulled' | 'stand-in' | 'stand-in, built now' }
  | { pin: ImagePin; had: false; reason: string };

type Log = (message: string) => void;

async function tryPull(ref: string, log: Log): Promise<string | null> {
  log(`pulling ${ref}`);
  const result = await run('docker', ['pull', '--quiet', ref], { timeoutMs: 1_200_000 });
  if (result.code === 0) return null;
  return (result.stderr.trim().split('\n').pop() ?? 'pull failed').replace(
    /^Error response from daemon: /,
    '',
  );
}

/** Makes one pinned image available locally, or says why it cannot be. */
export async function provideImage(
  pin: ImagePin,
  pull: PullPolicy,
  log: Log,
  pins: StackPins = readPins(),
): Promise<ImageOutcome> {
  const present = await localImage(pin.ref);
  if (present.kind === 'image') return { pin, had: true, how: 'present' };
  if (
    present.kind === 'standin' &&
    pin.standin !== null &&
    present.recipe === recipeHash(pin.standin, pins)
  )
    return { pin, had: true, how: 'stand-in' };

  const pullError = pull === 'never' ? 'not pulled (--pull never)' : await tryPull(pin.ref, log);
  if (pullError === null) return { pin, had: true, how: 'pulled' };
  if (pin.standin === null)
    return { pin, had: false, reason: `cannot be pulled (${pullError}); ${noStandinReason(pin)}` };
  log(
    `${pin.ref} ${pull === 'never' ? 'is not here' : `cannot be pulled (${pullError})`}: building the local stand-in`,
  );
  await buildStandin(pin.standin, pin.ref, log, pins);
  return { pin, had: true, how: 'stand-in, built now' };
}

/** Every image of `wanted` (refs), one at a time (builds share two cores). */
export async function provideImages(
  wanted: readonly string[],
  pull: PullPolicy,
  log: Log,
): Promise<ImageOutcome[]> {
  const pins = readPins();
  const outcomes: ImageOutcome[] = [];
  for (const ref of wanted) {
    const pin = pins.images.find((p) => p.ref === ref);
    if (!pin)
      throw new Error(
        `${ref} is used by docker-compose.yml but not pinned in contract/data/versions.json "images"`,
      );
    outcomes.push(await provideImage(pin, pull, log, pins));
  }
  return outcomes;
}
