import { type PoolOutcome, type PoolTask, runPoolTask } from '../../workloads/pool-task.js';
import type { ChildStartedMessage } from './child-messages.js';

// An orphan has nothing left to do: exit with the parent, however it died.
process.once('disconnect', () => process.exit(0));

/** tinypool entry point (runtime child_process): runs one task in this child process. */
export default function runInChild(task: PoolTask): PoolOutcome {
  return runPoolTask(task, (message) =>
    process.send?.({
      kind: 'looplab:task-started',
      ...message,
      pid: process.pid,
    } satisfies ChildStartedMessage),
  );
}
