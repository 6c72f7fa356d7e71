"""The one way the graph exports put a file in place: written as text beside it, then renamed over it,
so a reader never sees half a file; and their lxml view for the tests, parsed from the same text."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from lxml import etree


@contextmanager
def replaced(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """A text file to write that becomes `path` when the block ends without an error."""
    tmp = f"{os.fspath(path)}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def parsed(write: Callable[[Any, TextIO], None], G: Any) -> etree._ElementTree:
    """What `write(G, out)` writes, as an lxml tree."""
    buf = io.StringIO()
    write(G, buf)
    return etree.ElementTree(etree.fromstring(buf.getvalue().encode("utf-8")))
