import type { TaskStartedMessage } from '../../workloads/pool-task.js';

/** Sent by a child over IPC when it picks a task up (besides tinypool's own messages). */
export interface ChildStartedMessage extends TaskStartedMessage {
  kind: 'looplab:task-started';
  pid: number;
}

export function isChildStarted(message: unknown): message is ChildStartedMessage {
  return (message as ChildStartedMessage | undefined)?.kind === 'looplab:task-started';
}
