"""Independent, CPU-bound measurements spread over the machine's cores.

The gates of `make test` measure many independent sets (blind rounds, redaction
rounds); one worker process per core halves their time on two cores. Each worker
runs its libraries on a single thread: left to themselves, numpy's BLAS threads spin
on every core for each call, so two workers would fight over the same cores.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

import numpy  # noqa: F401  (loaded before the limit, which applies to loaded libraries only)
from threadpoolctl import threadpool_limits

Item = TypeVar("Item")
Result = TypeVar("Result")


def single_threaded() -> None:
    """Pool initializer: one BLAS thread now, and one TensorFlow thread once a task
    imports it (TensorFlow reads these variables when it starts)."""
    threadpool_limits(1)
    os.environ["TF_NUM_INTEROP_THREADS"] = os.environ["TF_NUM_INTRAOP_THREADS"] = "1"


def bytes_on_disk(path: Path) -> int:
    """A set's size for `map_per_core`, read without parsing it: a file's bytes, or a
    folder's YAML files' bytes."""
    if path.is_dir():
        return sum(file.stat().st_size for file in path.rglob("*.yml"))
    return path.stat().st_size


def map_per_core(
    function: Callable[[Item], Result], items: list[Item], size: Callable[[Item], int]
) -> list[Result]:
    """function(item) for every item, in the items' order, one worker per core.

    The largest items (by `size`) go first so the workers finish together. Workers are
    spawned, not forked: TensorFlow must not be forked. One item, or one core, runs in
    this process, which may have loaded the models already."""
    workers = min(len(os.sched_getaffinity(0)), len(items))
    if workers <= 1:
        return [function(item) for item in items]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=single_threaded) as pool:
        futures = {
            index: pool.submit(function, items[index])
            for index in sorted(range(len(items)), key=lambda index: -size(items[index]))
        }
        return [futures[index].result() for index in range(len(items))]
