"""The output folder of a build, replaced as a whole in one step, by one build at a time.

Why a whole folder: facts.jsonl, the graph files and the GraphML/GEXF files describe one run; moved
in one by one, a kill between two moves leaves new facts beside an old graph and nothing to tell.
So a build writes a complete folder beside OUT (`.OUT.zhkg-build-*`, same file system), marks it
complete with a manifest, and swaps it with OUT in one `renameat2(RENAME_EXCHANGE)` (Linux). Where
that call is missing, OUT is moved aside (`.OUT.zhkg-old-*`) and the new folder moved in: two
renames, and the next build that starts finds an interrupted swap by its leftovers and finishes it
(or, without a complete new folder, puts the old one back). Temporaries of killed builds are removed
at the next start.

A lock file beside OUT (`.OUT.zhkg-lock`, `flock`, released by the kernel when a build dies, removed
by the build that holds it) keeps two builds to one OUT from interleaving; the second is refused at
once, before it tags anything.

OUT is replaced only when it is empty, was made by a build (it holds the manifest) or holds only
the files a build writes: any other folder (`--out .` by mistake) is refused, not deleted. Files a
user put into a previous build's folder (its manifest does not list them: notes, a spreadsheet saved
beside facts.csv) are carried into the new folder before the swap (hard links, copies where links
cannot be made), and the build says which (`notes`); only what a build wrote is replaced.

Ctrl-C (SIGINT) is held back while the new folder is swapped in: an interrupt lands before the swap
(OUT as it was) or after it (OUT the new build), never between the two renames of the fallback.

OUT given as a symbolic link (`out -> builds/2024-05`, a common way to keep dated builds) is built
into the folder it points to, the link left pointing there: swapping the link itself would put the
new folder in the link's place and leave the old target as it was, which is not what its user meant.
The lock and temporaries then live beside the target, where the renames happen.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Self

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS: builds are not locked
    fcntl = None  # type: ignore[assignment]

MANIFEST = ".zhkg-build.json"
_KEEP = (MANIFEST, ".store")  # the server's disk copy of the graph (rebuilt when the graph changes)
_LEGACY_TEMP = ".zhkg-build-"  # temporaries that older versions left inside OUT
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputFolderError(Exception):
    """OUT cannot be written or replaced; `str(e)` is one line for a person."""


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


class OutputSet:
    """`with OutputSet(out, outputs) as target:` write into `target.staging`, then `target.commit()`.

    Entering takes the lock, recovers an interrupted swap, removes stale temporaries and creates the
    staging folder, so an unwritable OUT is reported before any work. Leaving without `commit`
    removes the staging folder and leaves OUT as it was."""

    def __init__(self, out: str | os.PathLike[str], outputs: tuple[str, ...]):
        self.out = resolve_out(out)
        self.outputs = outputs
        self.parent = self.out.parent
        self.prefix = f".{self.out.name}.zhkg-"
        self._lock_path = self.parent / (self.prefix + "lock")
        self.staging: Path | None = None
        self.notes: list[str] = []
        self.committed = False  # OUT holds this build's output
        self._lock_fd: int | None = None

    # -- the steps
    def __enter__(self) -> Self:
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            self._lock()
            self._recover()
            self._check_replaceable()
            self.staging = Path(tempfile.mkdtemp(prefix=self.prefix + "build-", dir=self.parent))
            os.chmod(self.staging, _folder_mode(self.out))  # mkdtemp's 0700 would hide OUT from others
        except OSError as e:
            self._unlock()
            raise OutputFolderError(f"cannot write to output folder {self.out}: {e.strerror or e}") from e
        except OutputFolderError:
            self._unlock()
            raise
        return self

    def commit(self, manifest: dict | None = None) -> None:
        """Mark the staging folder complete and put it in OUT's place in one step."""
        assert self.staging is not None
        try:
            kept = self._carry_user_files()
            (self.staging / MANIFEST).write_text(json.dumps({"outputs": list(self.outputs), **(manifest or {})},
                                                            ensure_ascii=False) + "\n", encoding="utf-8")
            _fsync_dir(self.staging)
            with interrupts_held():
                self._swap()
        except OSError as e:
            raise OutputFolderError(f"cannot write outputs to {self.out}: {e.strerror or e}") from e
        if kept:
            listed = ", ".join(kept[:3]) + (", ..." if len(kept) > 3 else "")
            self.notes.append(f"kept {len(kept)} file(s) in {self.out} that zhkg did not write: {listed}")

    def _swap(self) -> None:
        """Put the complete staging folder in OUT's place; the previous output is removed."""
        previous: Path | None = None
        if not self.out.exists():
            os.rename(self.staging, self.out)
        elif _exchange(self.staging, self.out):
            previous = self.staging  # now the previous output
        else:
            previous = Path(tempfile.mkdtemp(prefix=self.prefix + "old-", dir=self.parent))
            os.rename(self.out, previous / "out")
            os.rename(self.staging, self.out)
        self.staging = None
        self.committed = True
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
        _fsync_dir(self.parent)

    def _carry_user_files(self) -> list[str]:
        """Link (or copy) into the staging folder what a user put into OUT, a previous build's folder:
        every entry its manifest does not list as a build's output. The names carried, sorted."""
        if not (self.out / MANIFEST).is_file():
            return []  # empty, or holding only a build's files (`_check_replaceable`)
        try:
            listed = json.loads((self.out / MANIFEST).read_text(encoding="utf-8")).get("outputs", [])
        except (ValueError, AttributeError):
            listed = []
        ours = set(self.outputs) | set(_KEEP) | {n for n in listed if isinstance(n, str)}
        kept = sorted(p.name for p in self.out.iterdir() if p.name not in ours and not p.name.startswith(".store.")
                      and not p.name.startswith(_LEGACY_TEMP))
        for name in kept:
            src, dst = self.out / name, self.staging / name
            if src.is_dir() and not src.is_symlink():
                shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy)
            else:
                _link_or_copy(src, dst)
        return kept

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        with interrupts_held():  # a second Ctrl-C must not leave the staging folder or the lock behind
            if self.staging is not None:
                shutil.rmtree(self.staging, ignore_errors=True)
                self.staging = None
            self._unlock()

    # -- helpers
    def _lock(self) -> None:
        """Take the lock file beside OUT. The holder removes it when done, so a lock is only ever
        taken on the file that is at the path now (a build that opened a file since removed
        tries again): no lock file is left behind, and two holders are impossible."""
        if fcntl is None:  # pragma: no cover
            return
        path = self._lock_path
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise OutputFolderError(f"another zhkg build is writing {self.out} (lock {path}); "
                                        "wait for it to finish") from None
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._lock_fd = fd
                return
            os.close(fd)

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            try:
                os.unlink(self._lock_path)  # while still held: see _lock
            except OSError:
                pass
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None

    def _leftovers(self, kind: str) -> list[Path]:
        found = [p for p in self.parent.glob(f"{self.prefix}{kind}-*") if p.is_dir()]
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    def _recover(self) -> None:
        """Finish (or undo) a swap a killed build left half done, then remove its temporaries.
        Runs under the lock, so every temporary found belongs to a build that is gone."""
        builds, olds = self._leftovers("build"), self._leftovers("old")
        if not self.out.exists():
            complete = [b for b in builds if (b / MANIFEST).is_file()]
            previous = [o / "out" for o in olds if (o / "out").is_dir()]
            if complete:
                os.rename(complete[0], self.out)
                self.notes.append(f"finished the swap a killed build left half done: {self.out} is its output")
            elif previous:
                os.rename(previous[0], self.out)
                self.notes.append(f"put back the previous output of {self.out}, moved aside by a killed build")
        stale = self._leftovers("build") + self._leftovers("old")
        if self.out.is_dir():
            stale += [p for p in self.out.iterdir() if p.name.startswith(_LEGACY_TEMP) and p.is_dir()]
        for p in stale:
            shutil.rmtree(p, ignore_errors=True)
        if stale:
            self.notes.append(f"removed {len(stale)} temporary folder(s) of killed builds")

    def _check_replaceable(self) -> None:
        if not self.out.exists():
            return
        if not self.out.is_dir():
            raise OutputFolderError(f"output folder {self.out} is a file")
        if (self.out / MANIFEST).is_file():
            return  # a folder a build made, whatever files that build wrote into it
        ours = set(self.outputs) | set(_KEEP)
        foreign = sorted(p.name for p in self.out.iterdir()
                         if p.name not in ours and not p.name.startswith(".store."))
        if foreign:
            listed = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputFolderError(f"output folder {self.out} holds files a build did not write ({listed}); "
                                    "a build replaces the whole folder, so give an empty or new one")


def resolve_out(out: str | os.PathLike[str]) -> Path:
    """OUT as an absolute path; a symbolic link (a chain of them, or one to a folder not yet made) as
    the path it leads to (module docstring). `out/` with a slash is the same OUT."""
    path = os.path.abspath(out)
    return Path(os.path.realpath(path) if os.path.islink(path) else path)


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl-C (SIGINT) held back for the duration and raised (KeyboardInterrupt) when it ends. Only the
    main thread can set a handler: elsewhere, and where SIGINT is not Python's own (ignored, or a handler
    of the caller's), this does nothing."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if caught:
        raise KeyboardInterrupt


def _link_or_copy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    """A hard link where the file system allows one (no bytes copied), else a copy; a symbolic link
    stays a link."""
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _folder_mode(out: Path) -> int:
    """OUT's own mode when it exists, else what mkdir would give under the current umask."""
    try:
        return out.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o777 & ~umask


def _fsync_dir(path: Path) -> None:
    """Make renames and new files in `path` durable before the next step relies on them."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["MANIFEST", "OutputFolderError", "OutputSet", "interrupts_held", "resolve_out"]
