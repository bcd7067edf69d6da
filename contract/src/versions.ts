import { versionsData } from './generated.js';

/** Every pinned tool version; scripts/setup reads data/versions.json directly. */
export const VERSIONS = versionsData;
