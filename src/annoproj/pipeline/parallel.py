"""Projection of sentence batches in this process, in a process pool, or on Ray.

Every backend builds the projector once per worker, keeps at most a few batches in
flight (memory stays flat however long the input), and yields results in input order,
so the output is identical whatever the backend and the number of workers.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from annoproj.data.model import Alignment, Span
from annoproj.project.result import ProjectionResult

BACKENDS = ("local", "process", "ray")


@dataclass(frozen=True)
class Batch:
    """Token lists, source spans and alignments of consecutive sentence pairs."""

    start: int
    src_tokens: Sequence[Sequence[str]]
    tgt_tokens: Sequence[Sequence[str]]
    src_spans: Sequence[Sequence[Span]]
    alignments: Sequence[Alignment]


_PROJECTORS: dict[str, Any] = {}


def _projector(method: str, options: dict):
    import json

    from annoproj.project.projectors import make_projector

    key = json.dumps([method, options], sort_keys=True, default=str)
    if key not in _PROJECTORS:
        _PROJECTORS[key] = make_projector(method, **options)
    return _PROJECTORS[key]


def project_batch(method: str, options: dict, batch: Batch) -> tuple[int, ProjectionResult]:
    """Project one batch with a projector cached in this process."""
    proj = _projector(method, options)
    return batch.start, proj.project(batch.src_tokens, batch.tgt_tokens, batch.src_spans,
                                     batch.alignments)


def _init_worker() -> None:
    # One BLAS / OpenMP thread per worker process: the parallelism is across processes.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"


def project_batches(
    batches: Iterable[Batch],
    *,
    method: str,
    options: dict | None = None,
    backend: str = "local",
    workers: int = 1,
    ray_address: str | None = None,
    in_flight: int | None = None,
) -> Iterator[tuple[int, ProjectionResult]]:
    """(start index, result) of each batch, in input order."""
    options = dict(options or {})
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    window = in_flight or 2 * workers
    if backend == "local" or (backend == "process" and workers == 1):
        for b in batches:
            yield project_batch(method, options, b)
        return
    if backend == "process":
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
            pending: deque[Future] = deque()
            for b in batches:
                pending.append(pool.submit(project_batch, method, options, b))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        return
    yield from _ray_batches(batches, method=method, options=options, workers=workers,
                            address=ray_address, window=window)


def _ray():
    try:
        import ray
    except ImportError as exc:
        raise ImportError("the Ray backend needs Ray: pip install 'annoproj[ray]'") from exc
    return ray


def _ray_batches(batches, *, method, options, workers, address, window):
    ray = _ray()
    started = False
    if not ray.is_initialized():
        kwargs: dict = {"ignore_reinit_error": True, "log_to_driver": False,
                        "include_dashboard": False}
        if address:
            kwargs["address"] = address
        else:
            kwargs["num_cpus"] = workers
        ray.init(**kwargs)
        started = not address

    @ray.remote(num_cpus=1)
    class ProjectorActor:
        """Holds one projector; projects the batches it is sent."""

        def __init__(self) -> None:
            _init_worker()

        def project(self, batch):
            return project_batch(method, options, batch)

    actors = [ProjectorActor.remote() for _ in range(workers)]
    try:
        pending: deque = deque()
        for k, b in enumerate(batches):
            pending.append(actors[k % workers].project.remote(b))
            if len(pending) >= window:
                yield ray.get(pending.popleft())
        while pending:
            yield ray.get(pending.popleft())
    finally:
        for a in actors:
            ray.kill(a)
        if started:
            ray.shutdown()
