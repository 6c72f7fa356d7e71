"""The endpoint's pool of query workers: a free one for each query, slow queries out of the way,
and always the graph OUT holds now.

Slow queries never starve fast ones: a query still running after SLOW_AFTER_S leaves the pool for
fresh queries (a standby worker takes its place); at most `workers` run so at once, and one that
turns slow beyond that is stopped, so fresh queries always find a worker.

The graph follows OUT: `zhkg build` replaces OUT as a whole (a new folder swapped in), so each query
compares OUT's identity (device, inode) and its graph file's stamp with those served. On a change the
disk store is built for the new graph and the workers restarted on it; while OUT holds no graph, or
the new one cannot be loaded, queries are told why. A worker that fails to start is retried in the
background and never leaves the pool short for good.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .query_worker import WORKER_START_S, Limits, Worker, error_line
from .sparql import _source, build_disk_store

log = logging.getLogger(__name__)

START_ERROR_WAIT_S = 2.0  # how long a query waits for a worker while worker starts are failing


class QueryPool:
    """`workers` query workers on the graph in `out_dir`, plus one standby; `close()` ends them."""

    def __init__(self, out_dir: str | os.PathLike[str], limits: Limits, workers: int = 4):
        self.out_dir = Path(out_dir)
        self.limits = limits
        self.timeout_s = limits.timeout_s
        self._ident = graph_identity(out_dir)
        self._store = store_for_workers(out_dir)
        self._gen = 0
        self._failed: tuple[tuple[int, ...] | None, str] = (None, "")
        self._ctx = mp.get_context("spawn")  # fork from a threaded server is unsafe
        self._tmp = Path(tempfile.mkdtemp(prefix="zhkg-serve-"))  # workers' stderr, read when one dies
        self._serial = 0
        self._closing = False
        self._start_error: str | None = None
        self.workers = max(1, workers)
        self.ready: queue.Queue[Worker] = queue.Queue()
        self.standby: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._detached = 0
        self.isolated = True
        try:
            for _ in range(self.workers):
                worker = self._new_worker(self._gen, self._store).start()
                self.isolated = self.isolated and worker.isolated
                self.ready.put(worker)
            self._start_worker(self.standby)
        except BaseException:  # a worker that cannot start, or Ctrl-C meanwhile: leave no process behind
            self.close()
            raise

    # -- following OUT
    def follow_graph(self) -> str | None:
        """None when the workers serve the graph OUT holds now (after switching to it if it changed);
        otherwise why no query can be answered. A stat or four per request: cheap next to a query.
        A disk store removed from under us (OUT/.store deleted) counts as a change: it is built again."""
        ident = graph_identity(self.out_dir)
        if ident == self._ident and self._store_present():
            return None
        with self._reload_lock:  # one request rebuilds; the others wait for it, then find it done
            ident = graph_identity(self.out_dir)
            if ident == self._ident and self._store_present():
                return None
            if ident is None:
                return (f"{self.out_dir} holds no graph.nt or graph.ttl now (a build replacing it?); "
                        "try again in a moment")
            if ident == self._failed[0]:
                return self._failed[1]
            try:
                store = store_for_workers(self.out_dir)
            except Exception as exc:  # noqa: BLE001 - a broken graph file: said to every query until it changes
                self._failed = (ident, f"cannot load the new graph in {self.out_dir}: {error_line(exc)}")
                log.warning("zhkg serve: %s", self._failed[1])
                return self._failed[1]
            self._switch(ident, store)
        return None

    def _store_present(self) -> bool:
        store_dir = self._store[0]
        return store_dir is None or os.path.isdir(store_dir)

    def _switch(self, ident: tuple[int, ...], store: tuple[str | None, str | None]) -> None:
        """Serve `store` from now on: idle workers of the old graph are ended and replaced at once;
        busy ones when their query ends; starts in progress start again on the new store."""
        with self._lock:
            self._gen += 1
            self._store, self._ident, self._failed = store, ident, (None, "")
            idle, spare = _drain(self.ready), _drain(self.standby)
        for w in idle + spare:
            w.kill()
        for _ in idle:
            self._start_worker(self.ready)
        for _ in spare:
            self._start_worker(self.standby)
        log.warning("zhkg serve: the graph in %s changed; now serving the new one", self.out_dir)

    # -- the pool
    def execute(self, query: str, fmt: str = "json") -> dict[str, Any]:
        """Run `query` on the next free worker and return its formatted answer or why there is none.

        The wait for a worker is bounded apart from the query's own limit (a killed worker's successor
        takes a second or two to start), and waiting does not eat into the query's time.
        A query that turns out slow gives up its place: a standby worker joins the pool at once (and
        another standby is started), and the slow one is ended when its query is. At most `workers`
        queries are slow at once; one more is stopped, so fresh queries always find a worker."""
        trouble = self.follow_graph()
        if trouble:
            return {"kind": "unavailable", "message": trouble}
        for _ in range(self.workers + 1):  # a worker found dead when given the query is replaced
            reply = self._execute_once(query, fmt)
            if reply["kind"] != "lost":
                return reply
        return {"kind": "unavailable", "message": "query workers keep dying before they get a query"}

    def _execute_once(self, query: str, fmt: str) -> dict[str, Any]:
        worker = self._take()
        if not isinstance(worker, Worker):
            return worker
        detached = False

        def on_slow() -> bool:
            nonlocal detached
            with self._lock:
                if self._detached >= self.workers:
                    return False
                self._detached += 1
            detached = True
            try:
                self.ready.put(self.standby.get_nowait())
            except queue.Empty:
                self._start_worker(self.ready)
            self._start_worker(self.standby)
            return True

        reply = worker.run(query, fmt, self.limits, on_slow)
        if detached:
            with self._lock:
                self._detached -= 1
            worker.kill()
        elif not worker.alive() or worker.retire or not self._put(self.ready, worker):
            worker.kill()
            self._start_worker(self.ready)
        return reply

    def _take(self) -> Worker | dict[str, Any]:
        """A live worker of the current graph, or why none came: busy, or worker starts failing."""
        t0 = time.monotonic()
        end = t0 + self.timeout_s + WORKER_START_S
        while (left := end - time.monotonic()) > 0:
            try:
                worker = self.ready.get(timeout=min(0.25, left))
            except queue.Empty:
                error = self._start_error
                if error and time.monotonic() - t0 > START_ERROR_WAIT_S:
                    return {"kind": "unavailable", "message": error}
                continue
            if worker.gen == self._gen and worker.alive():
                return worker
            worker.kill()  # died while idle, or of a graph replaced since
            self._start_worker(self.ready)
        return {"kind": "busy"}

    def _new_worker(self, gen: int, store: tuple[str | None, str | None]) -> Worker:
        with self._lock:
            self._serial += 1
            serial = self._serial
        return Worker(self._ctx, store, gen, self.limits.max_memory_mb, self._tmp / f"worker-{serial}.err")

    def _put(self, into: queue.Queue[Worker], worker: Worker) -> bool:
        """Put a worker back for more queries unless the graph changed meanwhile (or we are closing)."""
        with self._lock:
            if self._closing or worker.gen != self._gen:
                return False
            into.put(worker)
            return True

    def _start_worker(self, into: queue.Queue[Worker]) -> None:
        """Start a worker off the request path (a start takes a second) and put it `into` a queue.
        A failed start is retried, less often as failures repeat, until one works: the pool never
        stays short. Meanwhile queries that find no worker are told why (`_start_error`)."""

        def start() -> None:
            delay = 0.5
            while not self._closing:
                with self._lock:
                    gen, store = self._gen, self._store
                try:
                    worker = self._new_worker(gen, store).start()
                except Exception as exc:  # noqa: BLE001 - whatever failed, the pool must not lose a place
                    if self._closing:
                        return  # stopped under it (Ctrl-C, the server closing): nothing to say
                    self._start_error = error_line(exc)
                    log.warning("zhkg serve: %s", self._start_error)
                    time.sleep(delay)
                    delay = min(2 * delay, 5.0)
                    continue
                self._start_error = None
                if self._put(into, worker):
                    return
                worker.kill()  # started on a graph replaced meanwhile: start again on the new one

        threading.Thread(target=start, daemon=True).start()

    def close(self) -> None:
        """End every worker, idle or starting; a busy one ends when its query does."""
        with self._lock:
            self._closing = True
            idle = _drain(self.ready) + _drain(self.standby)
        for w in idle:
            w.kill()
        shutil.rmtree(self._tmp, ignore_errors=True)


def graph_identity(out_dir: str | os.PathLike[str]) -> tuple[int, ...] | None:
    """What tells one graph in out_dir from the next: OUT's (device, inode), which a build that swaps in
    a new folder changes, and the graph file's inode, size and mtime. None when OUT holds no graph."""
    try:
        out = os.stat(out_dir)
        src = _source(out_dir)[0].stat()
    except OSError:
        return None
    return (out.st_dev, out.st_ino, src.st_ino, src.st_size, src.st_mtime_ns)


def store_for_workers(out_dir: str | os.PathLike[str]) -> tuple[str | None, str | None]:
    """(disk store folder, None), or (None, graph file) when OUT is not writable: each worker then
    loads the file into memory."""
    try:
        return str(build_disk_store(out_dir)), None
    except OSError:
        return None, str(_source(out_dir)[0])


def _drain(q: queue.Queue[Worker]) -> list[Worker]:
    out = []
    while True:
        try:
            out.append(q.get_nowait())
        except queue.Empty:
            return out


__all__ = ["QueryPool", "graph_identity", "store_for_workers"]
