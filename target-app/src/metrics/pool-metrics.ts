import type { Piscina } from 'piscina';
import { Counter, Gauge, type Registry } from 'prom-client';

/** piscina's own view of the worker pool, read at scrape time. */
export class PoolMetrics {
  private readonly workerExits: Counter;

  constructor(registry: Registry, pool: () => Piscina | undefined) {
    const threads: Gauge = new Gauge({
      name: 'looplab_pool_threads',
      help: 'Worker threads alive in the piscina pool.',
      registers: [registry],
      collect: () => threads.set(pool()?.threads.length ?? 0),
    });
    const utilization: Gauge = new Gauge({
      name: 'looplab_pool_utilization_ratio',
      help: 'piscina pool utilization since start: run time over the capacity of all threads (0..1).',
      registers: [registry],
      collect: () => utilization.set(pool()?.utilization ?? 0),
    });
    const queueSize: Gauge = new Gauge({
      name: 'looplab_pool_queue_size',
      help: 'Tasks waiting in the piscina queue for a free worker.',
      registers: [registry],
      collect: () => queueSize.set(pool()?.queueSize ?? 0),
    });
    this.workerExits = new Counter({
      name: 'looplab_pool_worker_exits_total',
      help: 'Worker threads that exited (crashed or were destroyed); piscina replaces them.',
      registers: [registry],
    });
  }

  countWorkerExit(): void {
    this.workerExits.inc();
  }
}
