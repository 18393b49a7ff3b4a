"""Run queries in worker processes that can be killed: the endpoint's time limit.

rdflib's SPARQL engine has no time limit and holds the GIL while it works, so a runaway query
(a three-way cross product runs for hours) can be stopped only by ending the process it runs in.
Each worker holds its own copy of the graph; the pool hands a query to an idle worker, waits at
most ``timeout`` seconds, and kills the worker (starting a fresh one) when the time is up. Other
workers keep answering meanwhile.

Workers cannot reach the network: an audit hook refuses socket connections and DNS look-ups in
them, on top of the query check that refuses ``SERVICE`` and ``FROM`` before execution.
"""

from __future__ import annotations

import logging
import pickle
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import Graph

log = logging.getLogger(__name__)

#: Audit events that would let a worker reach another host (see ``sys.addaudithook``).
NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "ftplib.connect",
        "smtplib.connect",
    }
)


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    if event in NETWORK_EVENTS:
        raise PermissionError(f"network access is disabled in this process ({event})")


def block_network() -> None:
    """Refuse, from now on and for good, every network connection this process tries."""
    sys.addaudithook(_refuse_network)


@dataclass(frozen=True)
class Job:
    """One request for a worker: the query, and how the answer should be written."""

    query: str
    accept: str = "*/*"
    format: str | None = None


@dataclass(frozen=True)
class Reply:
    """A worker's answer, ready to send: an HTTP status, a media type and the body."""

    status: int
    media_type: str
    body: bytes

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        """A plain-text error in the style of SPARQL servers (``Error 400: ...``)."""
        return cls(status, "text/plain; charset=utf-8", f"Error {status}: {message}\n".encode())


#: Runs a job on the worker's graph; must be importable (it is sent to the worker by name).
Handler = Callable[[Graph, Job, int], Reply]


def _worker_main(conn: Any, graph_bytes: bytes, handler: Handler, max_results: int) -> None:
    from kg.store import graph_from_ntriples

    block_network()
    kind, ntriples = pickle.loads(graph_bytes)
    graph: Graph = graph_from_ntriples(ntriples, kind)
    handler(graph, Job("ASK { ?s ?p ?o }"), max_results)  # warm up rdflib's parser
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the server has gone
        conn.send(handler(graph, job, max_results))


class _Worker:
    def __init__(self, context: Any, graph_bytes: bytes, handler: Handler, max_results: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, graph_bytes, handler, max_results), daemon=True
        )
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> bool:
        return bool(self.conn.poll(timeout)) and self.conn.recv() == "ready"

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """A fixed number of killable worker processes, each holding the graph.

    Args:
        graph: the graph the workers query (copied into each).
        handler: what a worker does with a job (parse, check, run, serialise).
        size: number of workers, i.e. of queries that run at the same time.
        timeout: seconds a query may run before it is stopped.
        max_results: the result-size limit passed to ``handler``.
        queue_wait: seconds a query may wait for a free worker (default: twice ``timeout``).
    """

    def __init__(
        self,
        graph: Graph,
        handler: Handler,
        *,
        size: int,
        timeout: float,
        max_results: int,
        queue_wait: float | None = None,
    ) -> None:
        import multiprocessing

        from kg.store import graph_ntriples, store_kind

        # forkserver: workers start from a clean single-threaded process, never by forking the
        # server's threads; the graph travels as N-Triples and is loaded into the same kind of
        # store (Oxigraph loads it natively).
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["rdflib.plugins.sparql", "kg.query"])
        self._graph_bytes = pickle.dumps((store_kind(graph), graph_ntriples(graph)))
        self._handler = handler
        self.size = size
        self.timeout = timeout
        self.max_results = max_results
        self.queue_wait = queue_wait if queue_wait is not None else 2 * timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start the workers and wait until each has loaded the graph."""
        workers = [self._new_worker() for _ in range(self.size)]
        for worker in workers:
            self._enlist(worker)

    def _new_worker(self) -> _Worker:
        worker = _Worker(self._context, self._graph_bytes, self._handler, self.max_results)
        with self._lock:
            self._all.add(worker)
        return worker

    def _enlist(self, worker: _Worker) -> None:
        if worker.wait_ready(120):
            self._idle.put(worker)
        else:
            log.error("a query worker failed to start")
            self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        self._retire(worker)
        if not self._closed:
            # started in the background so that the request that timed out is answered now
            threading.Thread(target=lambda: self._enlist(self._new_worker()), daemon=True).start()

    def run(self, job: Job) -> Reply:
        """Run ``job`` on an idle worker within the time limit (blocking; call from a thread)."""
        try:
            worker = self._idle.get(timeout=self.queue_wait)
        except queue.Empty:
            return Reply.error(503, f"all {self.size} query workers are busy; try again")
        try:
            worker.conn.send(job)
            if worker.conn.poll(self.timeout):
                reply: Reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError) as exc:
            log.error("a query worker died: %s", exc)
            self._replace(worker)
            return Reply.error(500, "the query worker died; the query was not answered")
        self._replace(worker)
        return Reply.error(
            503, f"query stopped: it ran longer than the time limit of {self.timeout:g} s"
        )

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._retire(worker)
