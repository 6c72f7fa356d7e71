"""Load on `zhkg serve`: do simple queries stay fast while slow ones run, and is any request lost?

    python -m benchmarks.serve OUT [--clients 20] [--requests 1000] [--slow 2]

Starts a real `zhkg serve OUT` on 127.0.0.1 (a free port), keeps `--slow` cross-join queries running
(each is stopped at the server's time limit and sent again), and meanwhile has `--clients` threads
send `--requests` simple queries in all, each on a new connection as a browser or script would. It
prints the latency figures of the simple queries and counts every failure: a connection reset, a
timeout or any status but 200. A benchmark that prints figures, not a test: timings depend on the
machine. Only 127.0.0.1 is contacted, and it stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence

VALUES = " ".join(str(i) for i in range(500))
SLOW = f"ASK {{ VALUES ?a {{{VALUES}}} VALUES ?b {{{VALUES}}} VALUES ?c {{{VALUES}}} FILTER(?a+?b+?c<0) }}"
SIMPLE = (
    "ASK {{ ?s ?p \"{r}\" }}",
    "SELECT ?m WHERE {{ ?m a <http://www.w3.org/ns/org#Membership> }} LIMIT {n}",
    "SELECT (COUNT(*) AS ?c) WHERE {{ ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }} # {r}",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, query: str, timeout: float) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def _percentile(sorted_values: Sequence[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))]


def run(out: str, clients: int, requests: int, slow: int, timeout_s: float, workers: int) -> dict:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "zhkg.cli", "serve", out, "--port", str(port), "--timeout",
                               str(timeout_s), "--workers", str(workers)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    banner = server.stdout.readline()
    if not banner.startswith("{"):
        server.kill()
        raise SystemExit(f"zhkg serve did not start: {server.stderr.read().strip()}")
    done = threading.Event()
    slow_replies: list[int] = []

    def slow_loop() -> None:
        while not done.is_set():
            try:
                status = _request(port, SLOW, timeout_s + 30)
            except OSError:
                status = -1  # the server was stopped under it at the end
            if not done.is_set():
                slow_replies.append(status)

    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    per_client = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def client(n: int, seed: int) -> None:
        rnd = random.Random(seed)
        for _ in range(n):
            query = rnd.choice(SIMPLE).format(r=rnd.random(), n=rnd.randint(1, 20))
            t0 = time.perf_counter()
            try:
                status = _request(port, query, 30)
            except OSError as e:
                status, error = -1, f"{type(e).__name__}: {e}"
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures.append(error if status == -1 else f"HTTP {status}")

    try:
        slow_threads = [threading.Thread(target=slow_loop, daemon=True) for _ in range(slow)]
        for t in slow_threads:
            t.start()
        time.sleep(1.0)  # the slow queries are running before the first simple one is sent
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n, i)) for i, n in enumerate(per_client)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        done.set()
    finally:
        server.terminate()
        try:
            server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    lat = sorted(latencies)
    return {
        "requests": len(lat), "clients": clients, "slow_queries_running": slow, "workers": workers,
        "failures": len(failures), "failure_kinds": sorted(set(failures)),
        "p50_ms": round(_percentile(lat, 50) * 1000, 1), "p90_ms": round(_percentile(lat, 90) * 1000, 1),
        "p99_ms": round(_percentile(lat, 99) * 1000, 1), "max_ms": round(lat[-1] * 1000, 1) if lat else None,
        "requests_per_s": round(len(lat) / wall, 1), "wall_s": round(wall, 1),
        "slow_replies": {str(k): slow_replies.count(k) for k in sorted(set(slow_replies))},
    }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.serve", description=__doc__.split("\n")[0])
    p.add_argument("out", help="a build folder (graph.nt), e.g. the out/ of `make demo`")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--slow", type=int, default=2, help="slow queries kept running meanwhile")
    p.add_argument("--timeout", type=float, default=10.0, help="the server's time limit per query")
    p.add_argument("--workers", type=int, default=4)
    args = p.parse_args(argv)
    result = run(args.out, args.clients, args.requests, args.slow, args.timeout, args.workers)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
