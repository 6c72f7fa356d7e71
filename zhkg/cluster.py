"""`zhkg build --scheduler tcp://HOST:PORT`: the tagging on the workers of a Dask distributed cluster.

The main process stays what it is on one machine (it reads the files, keeps the cache, builds the graph
and writes OUT); only the tasks of `zhkg.parallel` go to the cluster, so a cluster build gives the
same records as a local one. Each worker loads the pipeline once: `PipelinePlugin` does it when the
plugin is registered (and on every worker that joins later), and `parallel.tag_task` loads it lazily
should a worker have missed the plugin. A load error on a worker comes back as the build's one-line
error. Tasks carry the pieces' text (workers need not see the input files), and at most two tasks per
worker thread are in flight, so neither the scheduler nor the workers hold the corpus.

Workers need zhkg installed, the same version as the client (the records are made by the workers'
code); Dask warns when the versions of its own packages differ.
"""

from __future__ import annotations

from concurrent.futures import CancelledError

from distributed import Client, KilledWorker, WorkerPlugin
from distributed.comm.core import CommClosedError

from zhkg.parallel import IN_FLIGHT_PER_WORKER, ClusterError, Piece, PipelineLoadError, init_worker, tag_task

PLUGIN_NAME = "zhkg-pipeline"
CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler before the build gives up


class PipelinePlugin(WorkerPlugin):
    """Loads the zhkg pipeline into a worker's process when it starts or when the plugin is registered."""

    name = PLUGIN_NAME

    def __init__(self, model: str | None) -> None:
        self.model = model

    def setup(self, worker: object) -> None:
        init_worker(self.model)  # keeps a load error for the tasks to raise: a plugin error would only be logged


class _Task:
    """A task on the cluster whose loss (a worker killed, the scheduler gone) is a ClusterError;
    errors of the tagging itself (a model the workers cannot load) come through as they are."""

    def __init__(self, future: object, address: str) -> None:
        self.future = future
        self.address = address

    def result(self) -> object:
        try:
            return self.future.result()
        except (KilledWorker, CancelledError, CommClosedError, OSError) as e:
            raise ClusterError(f"tagging on {self.address} failed: {type(e).__name__}: {e}") from e


class DaskTagger:
    """Tasks on the workers of the scheduler at `address` (the `Tagger` of `zhkg.parallel`)."""

    def __init__(self, address: str, model: str | None, timeout: float | None = None) -> None:
        self.model = model
        try:
            self.client = Client(address, timeout=timeout or CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as e:
            first = next((line for line in str(e).splitlines() if line.strip()), type(e).__name__)
            raise ClusterError(f"cannot reach the Dask scheduler {address}: {first.strip()}") from e
        self.client.register_plugin(PipelinePlugin(model), name=PLUGIN_NAME)
        threads = sum(self.client.nthreads().values()) or 1  # every worker's (scheduler_info lists a few)
        self.window = threads * IN_FLIGHT_PER_WORKER

    def submit(self, pieces: list[Piece]) -> _Task:
        return _Task(self.client.submit(tag_task, pieces, self.model, pure=False), self.client.scheduler.address)

    def close(self) -> None:
        self.client.close()


__all__ = ["ClusterError", "DaskTagger", "PipelineLoadError", "PipelinePlugin"]
