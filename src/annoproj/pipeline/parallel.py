"""Batches of work (projection, translation, alignment, labelling) in this process, in a
process pool, or on Ray actors.

Every backend builds the model (projector, translator, aligner, labeller) once per worker,
keeps at most a few batches in flight (memory stays flat however long the input), and
yields results in input order, so the output is identical whatever the backend and the
number of workers.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from annoproj.data.model import Alignment, Span
from annoproj.project.result import ProjectionResult

BACKENDS = ("local", "process", "ray")
#: How worker processes start ("forkserver" where the platform has it, else "spawn").
_START = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


@dataclass(frozen=True)
class Batch:
    """Token lists, source spans and alignments of consecutive sentence pairs."""

    start: int
    src_tokens: Sequence[Sequence[str]]
    tgt_tokens: Sequence[Sequence[str]]
    src_spans: Sequence[Sequence[Span]]
    alignments: Sequence[Alignment]


@dataclass(frozen=True)
class WorkerSpec:
    """What every worker builds once, `factory(**options)` (a projector, a translator, an
    aligner, a labeller and its model), and applies to each item, `apply(model, item)`.

    `factory` and `apply` must be importable top-level callables, so that the spec can be
    sent to worker processes and Ray actors.
    """

    factory: Callable[..., Any]
    apply: Callable[[Any, Any], Any]
    options: dict = field(default_factory=dict)

    def key(self) -> str:
        """A string naming the built model, for per-process reuse."""
        names = [f"{f.__module__}.{f.__qualname__}" if hasattr(f, "__qualname__") else repr(f)
                 for f in (self.factory, self.apply)]
        return json.dumps([names, self.options], sort_keys=True, default=str)


@dataclass(frozen=True)
class Call:
    """An `apply` that calls a method of the model: `Call("translate")(m, x)` is
    `m.translate(x)`; with `star`, `Call("align", star=True)(m, (s, t))` is `m.align(s, t)`."""

    method: str
    star: bool = False

    def __call__(self, model: Any, item: Any) -> Any:
        fn = getattr(model, self.method)
        return fn(*item) if self.star else fn(item)


#: Models built in this worker process, by `WorkerSpec.key` (process backend only).
_MODELS: dict[str, Any] = {}


def run_item(spec: WorkerSpec, item: Any) -> Any:
    """`spec.apply` on `item` with the model this process built for `spec` (built once)."""
    key = spec.key()
    model = _MODELS.get(key)
    if model is None:
        model = _MODELS[key] = spec.factory(**spec.options)
    return spec.apply(model, item)


#: The spec this worker process was started with (process backend).
_SPEC: WorkerSpec | None = None


def _init_worker(spec: WorkerSpec | None = None) -> None:
    # One BLAS / OpenMP thread per worker process: the parallelism is across processes.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    if sys.platform.startswith("linux"):  # dies with the process that started it (issue 29)
        from annoproj._proc import die_with_parent as _die_with_parent

        _die_with_parent()
    global _SPEC
    _SPEC = spec


def _run_here(item: Any) -> Any:
    """`run_item` with the spec this worker was started with (sent once, not per item)."""
    assert _SPEC is not None, "worker started without a spec"
    return run_item(_SPEC, item)


class WorkerPool:
    """Workers that each build `spec`'s model once and apply it to the items of every
    `map` call: in this process ("local"), in a process pool ("process") or in Ray actors
    ("ray"; joins the cluster at `ray_address`, else starts a local one; `ray_resources`
    per actor, e.g. {"num_gpus": 1}, default one CPU). Workers start at the first `map`
    and stop at `close` (or the end of a `with` block), so one pool serves many calls.

    At most `in_flight` items (default 2 x workers) are out at a time, so memory stays
    flat however long the input is; results come back in input order.
    """

    def __init__(self, spec: WorkerSpec, *, backend: str = "local", workers: int = 1,
                 ray_address: str | None = None, in_flight: int | None = None,
                 ray_resources: dict | None = None) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        if backend == "process" and workers == 1:
            backend = "local"
        self.spec = spec
        self.backend = backend
        self.workers = workers
        self.ray_address = ray_address
        self.window = in_flight or 2 * workers
        self.ray_resources = dict(ray_resources or {"num_cpus": 1})
        self._model: Any = None
        self._pool: ProcessPoolExecutor | None = None
        self._actors: list = []
        self._ray_started = False
        self._started = False

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        if self.backend == "local":
            self._model = self.spec.factory(**self.spec.options)
        elif self.backend == "process":
            # forkserver: workers never inherit the threads of a model already loaded here
            # (torch's thread pools deadlock in a forked child; CUDA cannot be forked)
            # the spec (which may hold a fitted model) goes to each worker once
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker,
                                             initargs=(self.spec,),
                                             mp_context=multiprocessing.get_context(_START))
        else:
            self._start_ray()
        self._started = True

    def _start_ray(self) -> None:
        ray = _ray()
        if not ray.is_initialized():
            kwargs: dict = {"ignore_reinit_error": True, "log_to_driver": False,
                            "include_dashboard": False}
            if self.ray_address:
                kwargs["address"] = self.ray_address
            else:
                kwargs["num_cpus"] = self.workers
            ray.init(**kwargs)
            self._ray_started = not self.ray_address

        @ray.remote
        class ModelActor:
            """Builds the spec's model once; applies it to the items it is sent."""

            def __init__(self, spec: WorkerSpec) -> None:
                _init_worker()
                self.spec = spec
                self.model = spec.factory(**spec.options)

            def run(self, item):
                return self.spec.apply(self.model, item)

        self._actors = [ModelActor.options(**self.ray_resources).remote(self.spec)
                        for _ in range(self.workers)]

    def map(self, items: Iterable[Any]) -> Iterator[Any]:
        """`spec.apply(model, item)` of each item, in input order."""
        if not self._started:
            self._start()
        if self.backend == "local":
            for item in items:
                yield self.spec.apply(self._model, item)
            return
        if self.backend == "process":
            assert self._pool is not None
            submit = lambda item: self._pool.submit(_run_here, item)  # noqa: E731
            result = Future.result
        else:
            ray = _ray()
            actors = itertools.cycle(self._actors)
            submit = lambda item: next(actors).run.remote(item)  # noqa: E731
            result = ray.get
        pending: deque = deque()
        for item in items:
            pending.append(submit(item))
            if len(pending) >= self.window:
                yield result(pending.popleft())
        while pending:
            yield result(pending.popleft())

    def close(self) -> None:
        """Stop the workers (and the local Ray cluster this pool started)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if self._actors:
            ray = _ray()
            for a in self._actors:
                ray.kill(a)
            self._actors = []
        if self._ray_started:
            _ray().shutdown()
            self._ray_started = False
        self._model = None
        self._started = False


def map_ordered(spec: WorkerSpec, items: Iterable[Any], **pool_options: Any) -> Iterator[Any]:
    """`spec.apply(model, item)` of each item, in input order, on a `WorkerPool` made for
    this call (`pool_options`: backend, workers, ray_address, in_flight, ray_resources)."""
    with WorkerPool(spec, **pool_options) as pool:
        yield from pool.map(items)


def map_chunks(spec: WorkerSpec, *columns: Sequence[Any], chunk_size: int = 256,
               on_chunk: Callable[[int], None] | None = None,
               **pool_options: Any) -> list[Any]:
    """Apply `spec` to chunks of `chunk_size` rows of the parallel `columns` (one column:
    the chunk itself; several: a tuple of their chunks) and concatenate the results in
    order; `on_chunk(rows)` after each chunk. `pool_options` as for `WorkerPool`."""
    n = len(columns[0])
    if any(len(c) != n for c in columns):
        raise ValueError(f"columns differ in length: {[len(c) for c in columns]}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    starts = range(0, n, chunk_size)
    items = ((list(columns[0][b:b + chunk_size]) if len(columns) == 1
              else tuple(list(c[b:b + chunk_size]) for c in columns)) for b in starts)
    out: list[Any] = []
    for b, part in zip(starts, map_ordered(spec, items, **pool_options)):
        out.extend(part)
        if on_chunk:
            on_chunk(min(chunk_size, n - b))
    return out


def _ray():
    try:
        import ray
    except ImportError as exc:
        raise ImportError("the Ray backend needs Ray: pip install 'annoproj[ray]'") from exc
    return ray


def _project(projector: Any, batch: Batch) -> tuple[int, ProjectionResult]:
    return batch.start, projector.project(batch.src_tokens, batch.tgt_tokens, batch.src_spans,
                                          batch.alignments)


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
    yield from map_ordered(projection_spec(method, options), batches, backend=backend,
                           workers=workers, ray_address=ray_address, in_flight=in_flight)


def projection_spec(method: str, options: dict | None = None) -> WorkerSpec:
    """The `WorkerSpec` of projecting `Batch`es with `method` and `options`."""
    from annoproj.project.projectors import make_projector

    return WorkerSpec(make_projector, _project, {"method": method, **(options or {})})
