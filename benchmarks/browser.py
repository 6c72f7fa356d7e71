"""Open report.html in headless Chromium: its DOM after the scripts ran, a screenshot, its pixels.

Used by the tests and by `python -m benchmarks.report`, so what the tests check is what a
browser draws, not what the Python side meant to write. Debian's `chromium` package is the browser
(`.ci/run` installs it); `--no-sandbox` because CI runs as root, where Chromium's sandbox refuses
to start. `--virtual-time-budget` lets the page's timers and layout finish before the DOM is dumped.
`env` adds variables to the browser's environment: a test points `FONTCONFIG_FILE` at a configuration
without Chinese fonts to see what a machine without them draws.

Headless Chromium gives a page a viewport shorter than `--window-size` (by the height of a window's
frame, 143 px in Chromium 156) while it runs, then captures a screenshot at the full size. A page that
lays itself out to its window (report.html's graph is 68% of it) is thus drawn for a smaller window than
the picture shows. `viewport=True` asks for a window that much taller, so the page runs in a viewport of
exactly `size`, and crops the screenshot back to `size`.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
          "--no-first-run", "--disable-extensions", "--mute-audio")


def find_chromium() -> str | None:
    """The path of a Chromium-like browser on PATH (or $CHROMIUM), None when there is none."""
    env = os.environ.get("CHROMIUM")
    if env and shutil.which(env):
        return shutil.which(env)
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


def _run(args: list[str], timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("no Chromium on PATH: apt-get install chromium (or set $CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="zhkg-chromium-") as profile:
        return subprocess.run([browser, *_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              timeout=timeout, check=False, env={**os.environ, **env} if env else None)


_FRAME: list[int] = []


def frame_height() -> int:
    """How much shorter than its window headless Chromium makes a page's viewport (measured once)."""
    if not _FRAME:
        with tempfile.TemporaryDirectory(prefix="zhkg-probe-") as folder:
            probe = Path(folder) / "probe.html"
            probe.write_text("<body><script>document.body.dataset.h = innerHeight</script></body>", encoding="utf-8")
            done = _run(["--virtual-time-budget=1000", "--window-size=800,1000", "--dump-dom", page_url(probe)], 60)
        m = re.search(r'data-h="(\d+)"', done.stdout.decode("utf-8", errors="replace"))
        _FRAME.append(max(0, 1000 - int(m.group(1))) if m else 0)
    return _FRAME[0]


def page_url(path: str | os.PathLike[str], fragment: str = "") -> str:
    return Path(path).resolve().as_uri() + (f"#{fragment}" if fragment else "")


def dump_dom(path: str | os.PathLike[str], fragment: str = "", budget_ms: int = 20_000,
             timeout: float = 120, size: tuple[int, int] | None = None, env: dict[str, str] | None = None) -> str:
    """The serialized DOM of the page once its scripts ran (and virtual time `budget_ms` passed), in a
    viewport of `size` pixels (Chromium's default window when None)."""
    window = [f"--window-size={size[0]},{size[1] + frame_height()}"] if size else []
    done = _run([f"--virtual-time-budget={budget_ms}", *window, "--dump-dom", page_url(path, fragment)], timeout, env)
    if done.returncode != 0 or not done.stdout:
        raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
    return done.stdout.decode("utf-8")


def screenshot(path: str | os.PathLike[str], png: str | os.PathLike[str], size: tuple[int, int] = (1200, 800),
               fragment: str = "", budget_ms: int = 20_000, timeout: float = 120,
               env: dict[str, str] | None = None, viewport: bool = False) -> Path:
    """A PNG of the page as drawn in a window of `size` pixels (`viewport`: run in a viewport of `size`,
    see the module docstring)."""
    extra = frame_height() if viewport else 0
    done = _run([f"--virtual-time-budget={budget_ms}", f"--window-size={size[0]},{size[1] + extra}",
                 f"--screenshot={Path(png).resolve()}", page_url(path, fragment)], timeout, env)
    if not Path(png).exists():
        raise RuntimeError(f"chromium wrote no screenshot ({done.returncode}): "
                           f"{done.stderr.decode(errors='replace')[-2000:]}")
    if extra:
        width, _, rows = read_png(png)
        write_png(png, width, rows[:size[1]])
    return Path(png)


def write_png(path: str | os.PathLike[str], width: int, rows: list[bytes]) -> Path:
    """An 8-bit RGB PNG of `rows` (each `width` × 3 bytes), unfiltered."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\0" + row for row in rows), 9)
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return Path(path)


def body_attributes(dom: str) -> dict[str, str]:
    """The attributes of <body> in a dumped DOM (data-nodes, data-ready-ms)."""
    m = re.search(r"<body([^>]*)>", dom)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1))) if m else {}


def read_png(path: str | os.PathLike[str]) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB bytes) of an 8-bit, non-interlaced RGB or RGBA PNG — what Chromium
    writes; enough to tell a drawn page from a blank one without an imaging library."""
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        rows.append(bytes(line) if bpp == 3 else bytes(v for j, v in enumerate(line) if j % 4 != 3))
    return width, height, rows


__all__ = ["body_attributes", "dump_dom", "find_chromium", "frame_height", "page_url", "read_png", "screenshot",
           "write_png"]
