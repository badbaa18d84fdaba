"""Runners that turn a stream of Documents into a stream of (Document, DocResult) pairs.

Three engines, one contract (results come back in input order, as plain data):

- ``local``: this process, ``nlp.pipe`` in batches, each batch inside ``nlp.memory_zone()``;
- ``jobs=N``: N worker processes, each loading the model once (pool initializer);
- ``dask``: a ``dask.distributed`` cluster (``scheduler`` address, or a ``LocalCluster``);
  partitions of documents go out as dicts, results come back as dicts.

Submission is windowed: at most ``window`` chunks are in flight, so memory stays flat
however many documents the input holds.

>>> from kg.models import Document
>>> docs = [Document(id="a", text="Acme partners with Initech.")]
>>> [(d.id, r.doc_id) for d, r in run(docs, extractor="kg.engine:empty_chunk")]
[('a', 'a')]
"""

from __future__ import annotations

import importlib
import itertools
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any, Literal

from kg.errors import KGError
from kg.models import Document, DocResult

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph
    from kg.graph.store import Store

Engine = Literal["local", "dask"]
Pair = tuple[Document, DocResult]
DEFAULT_EXTRACTOR = "kg.engine:extract_chunk"
CHUNK_SIZE = 64  # documents per task / per memory zone
BATCH_SIZE = 64  # nlp.pipe batch size

# --------------------------------------------------------------------------- per-process model cache

_PIPELINES: dict[tuple[str | None, bool], Any] = {}
_LOCK = threading.Lock()
_RUN_LOCK = threading.Lock()


def get_pipeline(model: str | None = None, fast: bool = True, relations_model: str | None = None) -> Any:
    """The kg pipeline for ``model`` and ``relations_model``, loaded once per process (workers reuse it)."""
    key = (model, fast, relations_model)
    with _LOCK:
        if key not in _PIPELINES:
            from kg.pipeline import load_fast_pipeline, load_pipeline

            _PIPELINES[key] = (load_fast_pipeline if fast else load_pipeline)(model, relations_model)
        return _PIPELINES[key]


def extract_chunk(docs: list[Document], model: str | None = None, fast: bool = True, *,
                  relations_model: str | None = None) -> list[DocResult]:
    """Extract one chunk inside a memory zone; results are plain data, so they outlive the zone."""
    nlp = get_pipeline(model, fast, relations_model)
    from kg.nlp.results import extract_documents

    with _RUN_LOCK, nlp.memory_zone():  # zones and pipelines are per process, not per thread
        return list(extract_documents(docs, nlp, batch_size=BATCH_SIZE))


def empty_chunk(docs: list[Document], model: str | None = None, fast: bool = True) -> list[DocResult]:
    """A no-op extractor (one empty result per document) for tests and overhead measurements."""
    return [DocResult(doc_id=d.id, published=d.published) for d in docs]


def resolve_extractor(spec: str) -> Callable[..., list[DocResult]]:
    """``"module:function"`` to the function; by name so worker processes can import it themselves."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


# --------------------------------------------------------------------------- workers


def _call(extractor: str, docs: list[Document], model: str | None, fast: bool, relations_model: str | None):
    """Call an extractor; ``relations_model`` only when one is chosen (custom extractors need not take it)."""
    extra = {"relations_model": relations_model} if relations_model else {}
    return resolve_extractor(extractor)(docs, model, fast, **extra)


def _init_worker(extractor: str, model: str | None, fast: bool, relations_model: str | None = None) -> None:
    resolve_extractor(extractor)
    if extractor == DEFAULT_EXTRACTOR:
        get_pipeline(model, fast, relations_model)  # load the model once, before the first task arrives


def _process_task(extractor: str, docs: list[Document], model: str | None, fast: bool,
                  relations_model: str | None = None) -> list[DocResult]:
    return _call(extractor, docs, model, fast, relations_model)


def _dask_task(extractor: str, docs: list[dict], model: str | None, fast: bool,
               relations_model: str | None = None) -> list[dict]:
    """Runs on a dask worker: dicts in, dicts out (no spaCy objects cross the wire)."""
    parsed = [Document.model_validate(d) for d in docs]
    return [r.model_dump(mode="json") for r in _call(extractor, parsed, model, fast, relations_model)]


# --------------------------------------------------------------------------- engines


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of ``size`` items (the last may be shorter).

    >>> list(chunked(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _windowed(chunks: Iterable[list[Document]], submit: Callable, window: int, fetch: Callable) -> Iterator[Pair]:
    """Keep at most ``window`` chunks in flight; yield results in input order (head of line first)."""
    pending: deque = deque()
    for chunk in chunks:
        pending.append((chunk, submit(chunk)))
        if len(pending) >= window:
            chunk, fut = pending.popleft()
            yield from zip(chunk, fetch(fut), strict=True)
    while pending:
        chunk, fut = pending.popleft()
        yield from zip(chunk, fetch(fut), strict=True)


def run_local(docs: Iterable[Document], *, extractor: str, model: str | None, fast: bool, chunk_size: int,
              relations_model: str | None = None) -> Iterator[Pair]:
    for chunk in chunked(docs, chunk_size):
        yield from zip(chunk, _call(extractor, chunk, model, fast, relations_model), strict=True)


def run_processes(
    docs: Iterable[Document], *, jobs: int, extractor: str, model: str | None, fast: bool, chunk_size: int,
    relations_model: str | None = None,
) -> Iterator[Pair]:
    """``jobs`` spawned workers, each loading the model once; coarse chunks, DocResults pickled back."""
    ctx = get_context("spawn")  # no fork: the parent may hold threads (progress bars, dask)
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker,
                             initargs=(extractor, model, fast, relations_model)) as pool:
        submit = lambda chunk: pool.submit(_process_task, extractor, chunk, model, fast, relations_model)  # noqa: E731
        yield from _windowed(chunked(docs, chunk_size), submit, 2 * jobs + 1, lambda f: f.result())


def run_dask(
    docs: Iterable[Document], *, scheduler: str | None, jobs: int, extractor: str, model: str | None, fast: bool,
    chunk_size: int, relations_model: str | None = None,
) -> Iterator[Pair]:
    """Partitions on a dask.distributed cluster; a LocalCluster of ``jobs`` workers when no scheduler."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise KGError("--engine dask needs dask[distributed]: pip install 'dask[distributed]'") from exc
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=max(jobs, 1), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except OSError as exc:
        raise KGError(f"cannot reach dask scheduler {scheduler}: {exc}; check the address (tcp://host:8786)") from exc
    try:
        workers = max(len(client.scheduler_info().get("workers", {})), 1)

        def submit(chunk: list[Document]):
            payload = [d.model_dump(mode="json") for d in chunk]
            return client.submit(_dask_task, extractor, payload, model, fast, relations_model, pure=False)

        def fetch(fut) -> list[DocResult]:
            rows = fut.result()
            fut.release()
            return [DocResult.model_validate(r) for r in rows]

        yield from _windowed(chunked(docs, chunk_size), submit, 2 * workers + 1, fetch)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run(
    docs: Iterable[Document],
    *,
    engine: Engine = "local",
    jobs: int = 1,
    scheduler: str | None = None,
    model: str | None = None,
    fast: bool = True,
    extractor: str = DEFAULT_EXTRACTOR,
    chunk_size: int = CHUNK_SIZE,
    relations_model: str | None = None,
) -> Iterator[Pair]:
    """(Document, DocResult) pairs in input order from the chosen engine; streaming, bounded memory."""
    if engine == "dask" or scheduler:
        yield from run_dask(docs, scheduler=scheduler, jobs=jobs if jobs > 1 else (os.cpu_count() or 1),
                            extractor=extractor, model=model, fast=fast, chunk_size=chunk_size,
                            relations_model=relations_model)
    elif engine != "local":
        raise KGError(f"unknown engine {engine!r}; use --engine local or --engine dask")
    elif jobs > 1:
        yield from run_processes(docs, jobs=jobs, extractor=extractor, model=model, fast=fast, chunk_size=chunk_size,
                                 relations_model=relations_model)
    else:
        yield from run_local(docs, extractor=extractor, model=model, fast=fast, chunk_size=chunk_size,
                             relations_model=relations_model)


# --------------------------------------------------------------------------- graph / store


def build_graph(
    docs: Iterable[Document], *, store: str | os.PathLike | Store | None = None,
    on_result: Callable[[Document, DocResult], None] | None = None,
    select: Callable[[DocResult], DocResult] | None = None, **options: Any,
) -> KnowledgeGraph:
    """Run an engine over ``docs`` and merge the results into a graph, or into ``store`` first.

    With a store, documents already in it (same content hash) are skipped and the graph is
    the graph of everything in the store. ``select`` (e.g. a confidence filter) shapes what
    enters the graph; the store always keeps the full results.
    """
    from kg.graph import KnowledgeGraph

    select = select or (lambda r: r)
    if store is None:
        graph = KnowledgeGraph()
        for doc, result in run(docs, **options):
            graph.add(select(result))
            if on_result:
                on_result(doc, result)
        return graph
    with _open_store(store) as st:
        ingest(st, docs, on_result=on_result, **options)
        return KnowledgeGraph.from_results(map(select, st.results()))


def ingest(
    store: Store, docs: Iterable[Document], *,
    on_result: Callable[[Document, DocResult], None] | None = None, **options: Any,
) -> tuple[int, int]:
    """Extract the documents the store lacks and add each in its own transaction; (added, skipped)."""
    from kg.graph.store import content_hash

    skipped = 0
    seen: set[str] = set()  # duplicates within this run

    def new_docs() -> Iterator[Document]:
        nonlocal skipped
        for doc in docs:
            digest = content_hash(doc)
            if digest in seen or store.has(digest):
                skipped += 1
                continue
            seen.add(digest)
            yield doc

    added = 0
    for doc, result in run(new_docs(), **options):
        added += store.add(doc, result)
        if on_result:
            on_result(doc, result)
    return added, skipped


class _open_store:
    """Context manager: a Store from a path (closed on exit), or a caller's Store (left open)."""

    def __init__(self, store: Any) -> None:
        from kg.graph.store import Store

        self.owned = not isinstance(store, Store)
        self.store = Store(store) if self.owned else store

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc: object) -> None:
        if self.owned:
            self.store.close()
