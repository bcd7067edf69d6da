import type { TaskStatus } from '@looplab/contract';
import { describe, expect, it } from 'vitest';
import type { Task } from './task.js';
import { TaskRegistry } from './task-registry.js';

let counter = 0;
function makeTask(status: TaskStatus = 'queued', id = `task-${++counter}`): Task {
  return {
    id,
    strategy: 'pooled',
    spec: { workload: 'cpu', ms: 1 },
    status,
    queuedAt: Date.now(),
  };
}

function ids(registry: TaskRegistry, candidates: Task[]): string[] {
  return candidates.filter((task) => registry.get(task.id) !== undefined).map((task) => task.id);
}

describe('TaskRegistry', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects capacity %s', (capacity) => {
    expect(() => new TaskRegistry(capacity)).toThrow(RangeError);
  });

  it('accepts a capacity of 1 and exposes it', () => {
    expect(new TaskRegistry(1).capacity).toBe(1);
  });

  it('returns the very task object that was added, and undefined for unknown ids', () => {
    const registry = new TaskRegistry(10);
    const task = makeTask();
    registry.add(task);
    expect(registry.get(task.id)).toBe(task);
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.size).toBe(1);
  });

  it('keeps everything while under capacity', () => {
    const registry = new TaskRegistry(3);
    const tasks = [makeTask('done'), makeTask('queued'), makeTask('failed')];
    for (const task of tasks) registry.add(task);
    expect(registry.size).toBe(3);
    expect(ids(registry, tasks)).toEqual(tasks.map((t) => t.id));
  });

  it('evicts the oldest finished task, not an older queued or running one', () => {
    const registry = new TaskRegistry(4);
    const queued = makeTask('queued');
    const running = makeTask('running');
    const doneOld = makeTask('done');
    const doneNew = makeTask('done');
    const incoming = makeTask('queued');
    for (const task of [queued, running, doneOld, doneNew, incoming]) registry.add(task);

    expect(registry.size).toBe(4);
    expect(registry.get(doneOld.id)).toBeUndefined();
    expect(ids(registry, [queued, running, doneNew, incoming])).toHaveLength(4);
  });

  it.each(['failed', 'rejected'] as const)('treats %s as finished', (status) => {
    const registry = new TaskRegistry(2);
    const queued = makeTask('queued');
    const finished = makeTask(status);
    registry.add(queued);
    registry.add(finished);
    registry.add(makeTask('queued'));
    expect(registry.get(finished.id)).toBeUndefined();
    expect(registry.get(queued.id)).toBe(queued);
  });

  it('judges a task by its status at eviction time, not when it was added', () => {
    const registry = new TaskRegistry(2);
    const first = makeTask('queued');
    const second = makeTask('queued');
    registry.add(first);
    registry.add(second);
    second.status = 'done';
    registry.add(makeTask('queued'));
    expect(registry.get(second.id)).toBeUndefined();
    expect(registry.get(first.id)).toBe(first);
  });

  it('evicts the oldest task when every slot holds an unfinished one', () => {
    const registry = new TaskRegistry(3);
    const tasks = [makeTask('running'), makeTask('queued'), makeTask('running')];
    for (const task of tasks) registry.add(task);
    const incoming = makeTask('queued');
    registry.add(incoming);
    expect(registry.size).toBe(3);
    expect(registry.get(tasks[0]?.id ?? '')).toBeUndefined();
    expect(ids(registry, [...tasks, incoming])).toEqual(
      [tasks[1], tasks[2], incoming].map((t) => t?.id),
    );
  });

  it('never grows past capacity and always keeps the newest task', () => {
    // Deterministic pseudo-random statuses, including tasks finishing after they were added.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const statuses: TaskStatus[] = ['queued', 'running', 'done', 'failed', 'rejected'];
    const registry = new TaskRegistry(5);
    const added: Task[] = [];
    for (let i = 0; i < 200; i++) {
      const task = makeTask('queued');
      registry.add(task);
      added.push(task);
      const victim = added[Math.floor(random() * added.length)];
      if (victim) victim.status = statuses[Math.floor(random() * statuses.length)] ?? 'done';
      expect(registry.size).toBeLessThanOrEqual(5);
      expect(registry.get(task.id)).toBe(task);
    }
    expect(registry.size).toBe(5);
  });

  it('does not grow when the same id is added again', () => {
    const registry = new TaskRegistry(2);
    const task = makeTask('queued', 'same');
    registry.add(task);
    registry.add({ ...task, status: 'done' });
    expect(registry.size).toBe(1);
    expect(registry.get('same')?.status).toBe('done');
  });
});
