// The pins the stack scripts read: contract/data/versions.json (the one place versions live).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './docker.ts';

export interface ImagePin {
  /** The .env variable that names it (NODE_IMAGE, ...). */
  variable: string;
  ref: string;
  /** Folder of stack/standins/ that builds a stand-in under the same tag; null: none. */
  standin: string | null;
  licence: string;
}

export interface StackPins {
  node: string;
  images: ImagePin[];
  standins: {
    base: { tag: string; suite: string; variant: string; debianPackage: string };
    npm: string;
    pythonDebianPackage: string;
    goToolchain: { module: string; version: string };
    otelCollector: { version: string; builderModule: string; licence: string };
  };
}

export function readPins(): StackPins {
  const data = JSON.parse(
    readFileSync(join(REPO_ROOT, 'contract', 'data', 'versions.json'), 'utf8'),
  );
  const images = Object.entries(data.images as Record<string, Omit<ImagePin, 'variable'> | string>)
    .filter(([variable]) => variable !== '$comment')
    .map(([variable, pin]) => ({ variable, ...(pin as Omit<ImagePin, 'variable'>) }));
  return { node: data.node, images, standins: data.standins };
}

/** Why an image has no stand-in, in the words the output and the docs use. */
export function noStandinReason(pin: ImagePin): string {
  return pin.licence.startsWith('AGPL')
    ? `${pin.licence}: looplab never builds or runs it on machines that cannot pull it`
    : 'no stand-in recipe';
}
