import { availableParallelism, cpus, hostname, totalmem } from 'node:os';

import type { VegetaBinary } from '../load/vegeta/index.js';
import type { Environment } from '../model.js';
import { type Pinning, placementOf } from './pinning.js';

/** Read at start-up: once the runner pins itself to the load core, availableParallelism() says 1. */
const CORES = availableParallelism();

/** Where the run ran: the machine, the load generator, and which cores each part was pinned to. */
export function describeEnvironment(vegeta: VegetaBinary, pinning: Pinning): Environment {
  const placement = placementOf(pinning);
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: CORES,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadGenerator: { name: 'vegeta', version: vegeta.version },
    pinning: { app: placement.mainThread, load: placement.load, offLoop: placement.offLoop },
    hostname: hostname(),
  };
}
