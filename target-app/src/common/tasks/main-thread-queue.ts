import type { StrategyName } from '@looplab/contract';
import type { Task } from './task.js';
import { type AfterResponse, type Refusal, refusalWhenFull } from './task-executor.js';

/**
 * The queue of the strategies that run tasks on the main thread. A task counts against the
 * limit from the moment it is accepted until it finishes, becomes ready once its response has
 * been sent, and the strategy's step runs once per macrotask (setImmediate), so the loop
 * serves whatever piled up in between, as Starlette does between background tasks.
 */
export class MainThreadQueue {
  private readonly ready: Task[] = [];
  private accepted = 0;
  private scheduled = false;
  private abandoned = false;
  private stopped = false;

  constructor(
    private readonly strategy: StrategyName,
    private readonly limit: number,
    private readonly step: () => void,
  ) {}

  refusal(): Refusal | undefined {
    return refusalWhenFull(this.strategy, this.accepted, this.limit);
  }

  /** Accepted and not finished yet (queued or running). */
  unfinished(): number {
    return this.accepted;
  }

  submit(task: Task, afterResponse: AfterResponse): void {
    this.accepted++;
    afterResponse(() => {
      this.ready.push(task);
      this.schedule();
    });
  }

  /** The next ready task to start; none once the queue is abandoned. */
  next(): Task | undefined {
    return this.abandoned ? undefined : this.ready.shift();
  }

  hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** A task taken with next() has finished (done or failed). */
  finished(): void {
    this.accepted--;
  }

  /** Start no queued task from now on; a step already under way may go on. */
  abandon(): void {
    this.abandoned = true;
  }

  /** Run no step from now on. */
  stop(): void {
    this.stopped = true;
  }

  /** Runs the step in a later macrotask (once, however often it is asked for meanwhile). */
  schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.step();
    });
  }
}
