"""What confines a process that runs a query from elsewhere: no network, a capped memory.

Used by the endpoint's query workers (`exports.query_worker`) and by `zhkg query`'s child process
(`exports.sparql._in_child`): behind the query check, these are the walls a query the check misread
still meets. Linux only; elsewhere they do nothing and say so.
"""

from __future__ import annotations

import ctypes
import os
import sys

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


def cut_network() -> bool:
    """Move this process into a new, empty network namespace (Linux); True when it worked.

    Done in each worker before it opens the store: afterwards no socket of the worker can reach
    any address, loopback included, so SERVICE cannot leave the process whatever the parser saw.
    As root a plain network namespace; otherwise a user namespace that maps our own ids."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if os.geteuid() == 0 and libc.unshare(_CLONE_NEWNET) == 0:
            return True
        uid, gid = os.getuid(), os.getgid()
        if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
            return False
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
        return True
    except (OSError, AttributeError):
        return False


def _data_bytes() -> int:
    """This process's data segment (what RLIMIT_DATA counts), or 0 where /proc does not say."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cap_memory(max_mb: int) -> str | None:
    """Cap this process's data segment at max_mb MiB; a reason when the cap is below what it uses already.

    RLIMIT_DATA rather than RLIMIT_AS: it counts the heap and anonymous mappings, not the store's
    mapped files or reserved but unused address space, so the cap is close to real memory use.
    Past it the engine's allocation fails and the process aborts: the query cannot take the machine."""
    if max_mb <= 0:
        return None
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX: no cap
        return None
    limit = max_mb * 2**20
    used = _data_bytes()
    if used > limit:
        return f"--max-memory {max_mb} MB is below what a query worker takes to start ({used // 2**20 + 1} MB)"
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (OSError, ValueError, AttributeError):  # a hard limit already lower, or no such limit here
        pass
    return None


__all__ = ["cap_memory", "cut_network"]
