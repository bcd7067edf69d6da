"""The most recent tasks, for GET /tasks/{id}. Bounded: once full, the oldest *finished* task
is forgotten first; unfinished tasks go only when every slot holds one."""

from __future__ import annotations

from collections import OrderedDict

from .task import Task


class TaskRegistry:
    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be a positive integer, got {capacity}")
        self.capacity = capacity
        self._tasks: OrderedDict[str, Task] = OrderedDict()

    def __len__(self) -> int:
        return len(self._tasks)

    def add(self, task: Task) -> None:
        self._tasks[task.id] = task
        if len(self._tasks) > self.capacity:
            self._evict_one()

    def get(self, task_id: str) -> Task | None:
        return self._tasks.get(task_id)

    def _evict_one(self) -> None:
        for task_id, task in self._tasks.items():
            if task.is_finished:
                del self._tasks[task_id]
                return
        self._tasks.popitem(last=False)
