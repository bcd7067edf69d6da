/** Pool threads announce "task started" on this BroadcastChannel. */
export const TASK_STARTED_CHANNEL = 'looplab:task-started';
