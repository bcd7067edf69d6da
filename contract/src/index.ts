import { join } from 'node:path';

export * from './defaults.js';
export * from './metrics.js';
export * from './strategies.js';
export * from './versions.js';
export * from './workloads.js';

/** The data folder, for readers that want the JSON itself (docs generator, Python). */
export const CONTRACT_DATA_DIR = join(__dirname, '..', 'data');
