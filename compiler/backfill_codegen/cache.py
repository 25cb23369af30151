"""The content-hash cache of `generate`: skip a connector whose inputs and outputs are exactly
as a previous run on THIS machine left them.

What a run's output depends on, and so what the key covers:
- the tool: this package's version and the bytes of every file in it (code, templates,
  schemas: an edited checkout never trusts an older cache), the Python version, and the versions
  of the distributions that shape the output (datamodel-code-generator, ruff, idna, jinja2, ... and
  everything they depend on);
- the options: the output directory relative to the connector directory (and back), and whether
  route stubs are written (`--example` writes none);
- the connector: the manifest's name and bytes, and everything under `src/api/` (every name,
  every file's bytes, every symlink's target and where it resolves), a superset of what the
  route-file checks read. Files are hashed in chunks, within the limits of
  backfill_codegen/limits.py;
  a connector past them (or with a manifest that is not a regular file inside it) is never
  cached.

Where it lives: `<connector>/.backfill_cache/` (for `--example`, whose connector is the
installed package, `./.backfill_cache/`), a folder holding its own `.gitignore` (`*`), so it
is not committed; one entry file per way of generating the connector (output option, stubs).
An entry records the key, the output directory and the sha256 of every file the run generated
there (the output directory's record included), and is authenticated with an HMAC-SHA256 keyed
by a per-machine secret kept outside every project (`secret_path`). An entry this machine did
not write (copied, committed, forged, another machine's) fails the HMAC and is a miss; when the
secret cannot be created or read, the cache is off (every run a miss, nothing written).

A connector is skipped only when an authentic entry's key matches AND the output directory
holds exactly the recorded files with exactly those bytes. Anything else is a miss: the
connector goes through the normal path, which repairs or reports it. An entry is written only
by a run that rendered those outputs from those inputs, after writing them, and only when the
inputs did not change while it ran (their contents and their stat data are read again after
rendering). The one gap: an edit undone to the very same bytes within one tick of the file
system's clock while `generate` runs.

Nothing here imports the checks, the front ends or the emitters: a run where every connector hits
stays cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from backfill_codegen import __version__, limits, safe_read
from backfill_codegen.record import LEGACY_CACHE_NAME

#: The cache folder, in the connector directory (like ruff's `.ruff_cache`).
CACHE_DIR = ".backfill_cache"
_GITIGNORE = "# Automatically created by backfill-codegen: never commit this folder.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by backfill-codegen.\n"
)
#: The environment variable naming the secret's file (tests point it elsewhere).
SECRET_ENV = "BACKFILL_CODEGEN_CACHE_SECRET"
#: Bumped whenever the file's layout or the key's recipe changes.
FORMAT = 2
#: A cache file larger than this is not one of ours.
_MAX_CACHE_BYTES = 1 << 20
_SECRET_BYTES = 32
_PACKAGE = Path(__file__).resolve().parent
#: The distributions whose code shapes what `generate` writes (pyproject's dependencies, kept in
#: step by a test); the distributions they depend on are followed too.
DEPENDENCIES = (
    "datamodel-code-generator",
    "hypothesis",
    "hypothesis-jsonschema",
    "idna",
    "jinja2",
    "jsonschema",
    "jsonschema-rs",
    "lsprotocol",
    "markdown-it-py",
    "pydantic",
    "pygls",
    "regress",
    "ruamel.yaml",
    "ruff",
    "tree-sitter",
    "tree-sitter-typescript",
    "watchfiles",
)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_NAME = re.compile(r"[a-z][a-z0-9-]*")


# --- the tool -------------------------------------------------------------------------------


#: The fingerprint once computed: once a run (a test may reset it).
_fingerprint: str | None = None


def tool_fingerprint() -> str:
    """One hash of everything about the tool that can change its output; computed once a run."""
    global _fingerprint
    if _fingerprint is None:
        _fingerprint = _compute_fingerprint()
    return _fingerprint


def _compute_fingerprint() -> str:
    digest = hashlib.sha256()
    _feed(digest, "backfill-codegen", __version__, sys.version, sys.implementation.cache_tag)
    for name, version in sorted(_versions(DEPENDENCIES).items()):
        _feed(digest, "dist", name, version or "-")
    for relative, data in _package_files():
        _feed(digest, "file", relative, data)
    return digest.hexdigest()


def _versions(roots: Iterable[str]) -> dict[str, str | None]:
    """The installed version of each root distribution and of everything it requires
    (extras left out); None for one that is not installed."""
    installed = _installed()
    found: dict[str, str | None] = {}
    pending = list(roots)
    while pending:
        name = _normal(pending.pop())
        if name in found:
            continue
        version, requirements = None, []
        if name in installed:
            version, requirements = _metadata(installed[name])
        found[name] = version
        for requirement in requirements:
            if "extra" in requirement.partition(";")[2]:
                continue
            match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
            if match:
                pending.append(match[0])
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed() -> dict[str, Path]:
    """Each distribution's metadata folder, the first on sys.path as imports would find it
    (read directly: importlib.metadata's imports and lookups cost 60 ms a run)."""
    found: dict[str, Path] = {}
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            stem, dot, kind = name.rpartition(".")
            if dot and kind in ("dist-info", "egg-info"):
                # `name-version.dist-info`; `name[-version[-pyX.Y]].egg-info`
                project = stem.rsplit("-", 1)[0] if kind == "dist-info" else stem.split("-")[0]
                found.setdefault(_normal(project), Path(entry or ".", name))
    return found


def _metadata(folder: Path) -> tuple[str | None, list[str]]:
    """`Version` and the requirements of an installed distribution; (None, []) when its
    metadata cannot be read."""
    try:
        if folder.suffix == ".dist-info":
            return _headers((folder / "METADATA").read_text(encoding="utf-8", errors="replace"))
        version, _ = _headers((folder / "PKG-INFO").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None, []
    try:
        lines = (folder / "requires.txt").read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    end = next((i for i, line in enumerate(lines) if line.startswith("[")), len(lines))
    return version, [line for line in lines[:end] if line.strip()]


def _headers(text: str) -> tuple[str | None, list[str]]:
    """`Version` and every `Requires-Dist` of a METADATA file (read directly: the email parser
    importlib.metadata uses costs a millisecond a distribution)."""
    version, requirements = None, []
    for line in text.splitlines():
        if not line.strip():
            break  # the headers end at the first blank line; the description follows
        name, _, value = line.partition(":")
        if name == "Version":
            version = value.strip()
        elif name == "Requires-Dist":
            requirements.append(value.strip())
    return version, requirements


def _package_files() -> list[tuple[str, bytes]]:
    """Every file of the compiler package (its code, templates, schemas, the example), by
    `/`-separated path; byte-code caches left out."""
    files = []
    for folder, folders, names in os.walk(_PACKAGE):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(names):
            path = Path(folder, name)
            files.append((path.relative_to(_PACKAGE).as_posix(), path.read_bytes()))
    return sorted(files)


# --- the inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """What one connector's generation reads: `digest` over the contents (portable: the same on
    any machine with the same files), `witness` over the stat data (inode, size, modification
    and change times), to tell whether anything was touched while a run read it."""

    digest: str
    witness: str
    #: The manifest's bytes as hashed: a miss checks exactly these, read once (not compared).
    manifest: bytes | None = field(default=None, compare=False, repr=False)


def read_inputs(manifest: Path) -> Inputs | None:
    """The manifest and everything under `src/api/` beside it; None when something there cannot
    be read, is past a limit, or leads out of the connector directory (such a connector is
    never cached)."""
    reader = _Reader(manifest.parent)
    try:
        data = reader.read_whole(manifest, limits.MAX_MANIFEST_BYTES)
        reader.feed("manifest", manifest.name, hashlib.sha256(data).digest())
        reader.api_tree()
    except (OSError, _PastLimit):
        return None
    return Inputs(reader.content.hexdigest(), reader.witness.hexdigest(), data)


class _PastLimit(Exception):
    """An input past a limit of backfill_codegen/limits.py: the connector is not cached."""


class _Reader:
    """One connector's inputs, fed into the two digests of `Inputs`."""

    def __init__(self, connector_dir: Path) -> None:
        self.connector_dir = connector_dir
        self.content = hashlib.sha256()
        self.witness = hashlib.sha256()
        self.visited: set[tuple[int, int]] = set()
        self.entries = 0
        self._root: str | None = None

    def feed(self, *fields: str | bytes) -> None:
        _feed(self.content, *fields)

    def stamp(self, status: os.stat_result) -> None:
        fields = (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
        _feed(self.witness, *map(str, fields))

    def read(self, path: str | Path, limit: int) -> bytes:
        """The sha256 of a regular file inside the connector directory, streamed (one chunk in
        memory whatever its size); past `limit` bytes, _PastLimit."""
        if self._root is None:
            self._root = os.path.realpath(self.connector_dir)
        descriptor = safe_read.open_regular(path, self._root, root_is_real=True)
        self.stamp(os.fstat(descriptor))
        hashed = safe_read.sha256_bounded(descriptor, limit)
        if hashed is None:
            raise _PastLimit(path)
        return hashed[0]

    def read_whole(self, path: Path, limit: int) -> bytes:
        """The bytes of a regular file inside the connector directory (at most `limit`, else
        _PastLimit): the manifest, kept for the checks."""
        if self._root is None:
            self._root = os.path.realpath(self.connector_dir)
        descriptor = safe_read.open_regular(path, self._root, root_is_real=True)
        with os.fdopen(descriptor, "rb") as handle:
            self.stamp(os.fstat(handle.fileno()))
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise _PastLimit(path)
        return data

    def count(self) -> None:
        self.entries += 1
        if self.entries > limits.MAX_CACHE_INPUT_ENTRIES:
            raise _PastLimit("too many entries under src/api/")

    def where(self, path: str) -> str | None:
        """Where a path resolves, relative to the connector directory; None when outside it
        (computed for symlinks only: realpath is slow)."""
        if self._root is None:
            self._root = os.path.realpath(self.connector_dir)
        real = os.path.realpath(path)
        if real != self._root and not real.startswith(self._root.rstrip(os.sep) + os.sep):
            return None
        return Path(os.path.relpath(real, self._root)).as_posix()

    def api_tree(self) -> None:
        current, linked = str(self.connector_dir), False
        for relative in ("src", "src/api"):  # either may be a symlink
            current = os.path.join(current, os.path.basename(relative))
            try:
                status = os.lstat(current)
            except (FileNotFoundError, NotADirectoryError):
                self.feed("absent", relative)
                return
            self.stamp(status)
            if stat.S_ISLNK(status.st_mode):
                linked = True
                where = self.where(current) or "<outside>"
                self.feed("link", relative, os.readlink(current), where)
            else:
                self.feed(_kind(status), relative)
        if os.path.isdir(current) and not (linked and self.where(current) is None):
            self.walk(current, "src/api")

    def walk(self, folder: str, relative: str) -> None:
        """Every entry below `folder`, in name order: hidden ones and non-route files included
        (a superset of what the route-file checks read); symlinks that stay inside the connector
        directory followed, each real folder once, as the checks do."""
        status = os.stat(folder)
        identity = (status.st_dev, status.st_ino)
        if identity in self.visited:
            self.feed("again", relative, self.where(folder) or "")
            return
        self.visited.add(identity)
        self.stamp(status)
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda entry: entry.name)
        for entry in entries:
            self.count()
            child = f"{relative}/{entry.name}"
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISLNK(status.st_mode):
                self.stamp(status)
                where = self.where(entry.path)
                self.feed("link", child, os.readlink(entry.path), where or "<outside>")
                if where is None:
                    continue  # not followed by the checks either
                try:
                    status = os.stat(entry.path)
                except OSError:
                    self.feed("dangling", child)
                    continue
            if stat.S_ISDIR(status.st_mode):
                self.feed("folder", child)
                self.walk(entry.path, child)
            elif stat.S_ISREG(status.st_mode):
                self.feed("file", child, self.read(entry.path, limits.MAX_ROUTE_FILE_BYTES))
            else:
                self.feed(_kind(status), child)


def _kind(status: os.stat_result) -> str:
    if stat.S_ISDIR(status.st_mode):
        return "folder"
    return "file" if stat.S_ISREG(status.st_mode) else f"special-{stat.S_IFMT(status.st_mode)}"


def key(inputs: Inputs, manifest: Path, output_dir: Path, *, stubs: bool) -> str:
    """The cache key of one connector generated into `output_dir` (both paths absolute)."""
    connector_dir = manifest.parent
    digest = hashlib.sha256()
    _feed(
        digest,
        f"backfill-codegen cache {FORMAT}",
        tool_fingerprint(),
        str(_relative(output_dir, connector_dir)),
        str(_relative(manifest, output_dir)),
        "stubs" if stubs else "no-stubs",
        inputs.digest,
    )
    return digest.hexdigest()


def _relative(path: Path, start: Path) -> str | None:
    """`path` from `start`, `/`-separated, as generate computes it (lexically); None when there
    is no relative path (two drives on Windows): such a connector is never cached."""
    try:
        return Path(os.path.relpath(path, start)).as_posix()
    except ValueError:
        return None


def _feed(digest: hashlib._Hash, *fields: str | bytes) -> None:
    """Length-prefixed fields, so no two different field lists hash the same bytes."""
    for value in fields:
        data = os.fsencode(value) if isinstance(value, str) else value
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)


# --- the secret -----------------------------------------------------------------------------


def secret_path() -> Path:
    """Where this machine's cache secret is kept: `$BACKFILL_CODEGEN_CACHE_SECRET`, else
    `$XDG_CACHE_HOME/backfill-codegen/secret`, else `~/.cache/backfill-codegen/secret`: never
    inside a project, so it is never committed or copied with one."""
    named = os.environ.get(SECRET_ENV)
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "backfill-codegen", "secret")


#: The secret once read: once a run (None: not yet; b"": the cache is off).
_secret: bytes | None = None


def secret(*, create: bool = True) -> bytes | None:
    """This machine's secret, created (32 random bytes, mode 0600) on first use; None when it
    cannot be created or read, or is not private to this user: then the cache is off. With
    `create=False` (`generate --check`, which writes nothing) a missing secret is not made."""
    global _secret
    if _secret is None:
        found = _load_secret(secret_path(), create)
        if found is None and not create:
            return None  # perhaps only missing: a later writing run may still make it
        _secret = found or b""
    return _secret or None


def _load_secret(path: Path, create: bool) -> bytes | None:
    for _ in range(2):
        try:
            descriptor = safe_read.open_regular(path, follow=False)
        except FileNotFoundError:
            if not create:
                return None
            try:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                safe_read.write_private(path, os.urandom(_SECRET_BYTES))
            except FileExistsError:
                pass  # another run made it first: read theirs
            except OSError:
                return None
            continue
        except OSError:
            return None
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            data = handle.read(_SECRET_BYTES + 1)
        private = status.st_mode & 0o077 == 0 and status.st_uid == _uid()
        return data if private and len(data) == _SECRET_BYTES else None
    return None


def _uid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else 0


# --- the cache file -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What a cache file says: the key, the connector's name, its output directory relative to
    the connector directory, and the sha256 of every file generated there."""

    key: str
    name: str
    output: str
    outputs: Mapping[str, str] = field(default_factory=dict)


def cache_home(connector_dir: Path, *, example: bool = False) -> Path:
    """The folder that holds the cache folder: the connector directory; for `--example`, the
    working directory (the installed package is never written)."""
    return Path.cwd() if example else connector_dir


def slot(connector_dir: Path, output: Path | None, several: bool, *, stubs: bool) -> str:
    """The entry's file name: one per way of generating a connector (the output option as
    given, before the connector's name is known, and whether stubs are written)."""
    target = connector_dir / "generated" if output is None else output.absolute()
    where = _relative(target, connector_dir)  # `-o generated` is the default's slot
    kind = "several" if several and output is not None else "one"
    digest = hashlib.sha256()
    _feed(digest, f"backfill-codegen slot {FORMAT}", kind, where or "", str(stubs))
    return digest.hexdigest()[:32] + ".json"


def _document(entry: Entry, slot_name: str) -> dict[str, object]:
    return {
        "about": "backfill-codegen generate's cache: safe to delete; never committed",
        "format": FORMAT,
        "version": __version__,
        "slot": slot_name,
        "key": entry.key,
        "name": entry.name,
        "output": entry.output,
        "outputs": dict(sorted(entry.outputs.items())),
    }


def _mac(document: Mapping[str, object], key_: bytes) -> str:
    body = json.dumps(document, sort_keys=True, ensure_ascii=True).encode("ascii")
    return hmac.new(key_, body, hashlib.sha256).hexdigest()


def dump(entry: Entry, slot_name: str, key_: bytes) -> str:
    """The cache file's text: sorted keys, no time stamps, no absolute paths, and the HMAC of
    everything else under this machine's secret."""
    document = _document(entry, slot_name)
    document["mac"] = _mac(document, key_)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def entry_for(
    key_: str, name: str, connector_dir: Path, output_dir: Path, generated: Mapping[Path, str]
) -> Entry | None:
    """The entry recording `generated` (absolute path -> text, this output directory's files,
    its record included); None when a path cannot be written down relatively."""
    output = _relative(output_dir, connector_dir)
    if output is None:
        return None
    outputs = {}
    for path, text in generated.items():
        relative = path.relative_to(output_dir).as_posix()
        outputs[relative] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    entry = Entry(key_, name, output, outputs)
    return entry if _valid(entry) else None


def load(home: Path, slot_name: str, *, create: bool = True) -> Entry | None:
    """The authentic entry in `home/.backfill_cache/<slot>`, or None: no secret, no file, not
    a regular file (symlinks are not followed), unreadable, truncated, not JSON, another format,
    or an HMAC that this machine's secret did not make. Never an error. `create`: whether a
    missing secret may be made (not by `generate --check`)."""
    key_ = secret(create=create)
    if key_ is None:
        return None
    try:
        data = safe_read.read_bounded(
            home / CACHE_DIR / slot_name, _MAX_CACHE_BYTES, home, follow=False
        )
        document = json.loads(data)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or len(data) > _MAX_CACHE_BYTES:
        return None
    mac = document.pop("mac", None)
    if not isinstance(mac, str) or not hmac.compare_digest(mac, _mac(document, key_)):
        return None
    if document.get("format") != FORMAT or document.get("version") != __version__:
        return None
    fields = [document.get(name) for name in ("key", "name", "output")]
    outputs = document.get("outputs")
    if document.get("slot") != slot_name or not all(isinstance(f, str) for f in fields):
        return None
    if not isinstance(outputs, dict):
        return None
    entry = Entry(*fields, outputs)  # type: ignore[arg-type]
    return entry if _valid(entry) else None


def save(home: Path, slot_name: str, entry: Entry | None) -> None:
    """Write (or, with None, remove) an entry, atomically; any failure leaves no cache behind
    (a read-only connector is simply not cached). The folder gets its `.gitignore`."""
    folder = home / CACHE_DIR
    path = folder / slot_name
    try:
        if entry is None:
            if not folder.is_symlink():
                path.unlink(missing_ok=True)
            return
        key_ = secret()
        if key_ is None or folder.is_symlink():
            return
        if not folder.is_dir():
            folder.mkdir()
            _write_atomically(folder / ".gitignore", _GITIGNORE)
            _write_atomically(folder / "CACHEDIR.TAG", _CACHEDIR_TAG)
        _write_atomically(path, dump(entry, slot_name, key_))
    except OSError:
        pass


def _write_atomically(path: Path, text: str) -> None:
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise IsADirectoryError(str(path))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644
        )
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
        os.replace(temporary, path)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _valid(entry: Entry) -> bool:
    return (
        _HEX64.fullmatch(entry.key) is not None
        and _NAME.fullmatch(entry.name) is not None
        and _safe_relative(entry.output, parents=True)
        and all(
            _safe_relative(path) and isinstance(digest, str) and _HEX64.fullmatch(digest)
            for path, digest in entry.outputs.items()
        )
    )


def _safe_relative(path: object, *, parents: bool = False) -> bool:
    """A relative `/`-separated path without empty, `.` or (unless `parents`) `..` parts."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        return False
    if "\0" in path or re.match(r"[A-Za-z]:", path):
        return False
    if parents and path == ".":
        return True  # `-o .` from the connector directory
    banned = {"", "."} if parents else {"", ".", ".."}
    return not any(part in banned for part in path.split("/"))


def outputs_match(entry: Entry, output_dir: Path) -> bool:
    """Whether `output_dir` holds every recorded file, byte for byte, as a regular file reached
    through no symlink, and no cache file of an earlier version (generate would remove it).
    The recorded files include the output directory's record, which lists exactly what this
    connector generated there, so nothing else in the folder is generate's to change."""
    try:
        if not stat.S_ISDIR(os.lstat(output_dir).st_mode):
            return False
        if os.path.lexists(output_dir / LEGACY_CACHE_NAME):
            return False
        for relative, digest in entry.outputs.items():
            path = output_dir / relative
            if any(os.path.islink(parent) for parent in _between(output_dir, path)):
                return False
            # No symlink on the way (checked above) nor at the end (O_NOFOLLOW): a regular file
            # of the output directory, its bytes compared with what this machine recorded.
            descriptor = safe_read.open_regular(path, follow=False)
            hashed = safe_read.sha256_bounded(descriptor, _MAX_OUTPUT_BYTES)
            if hashed is None or hashed[0].hex() != digest:
                return False
    except OSError:
        return False
    return True


#: No generated file is larger; past it, a file is not the one recorded.
_MAX_OUTPUT_BYTES = 1 << 30


def _between(root: Path, path: Path) -> list[Path]:
    """The folders from `root` (excluded) down to `path`'s parent."""
    parts = path.relative_to(root).parts
    return [root.joinpath(*parts[:count]) for count in range(1, len(parts))]


# --- finding the hits -----------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    output_dir: Path
    entry: Entry
    home: Path
    slot: str


def lookup(
    manifest: Path,
    inputs: Inputs | None,
    home: Path,
    slot_name: str,
    target: Path | None,
    several_root: Path | None,
    *,
    stubs: bool,
    create: bool = True,
) -> Hit | None:
    """The hit for this connector (manifest absolute): its authentic entry, whose output
    directory is `target` (or, with several connectors into one folder, `several_root/<name>`),
    whose key is this run's and whose outputs are on disk as recorded; None: a miss."""
    if inputs is None:
        return None
    entry = load(home, slot_name, create=create)
    if entry is None:
        return None
    connector_dir = manifest.parent
    output_dir = target
    if output_dir is None and several_root is not None:
        output_dir = several_root / entry.name
    if output_dir is None or entry.output != _relative(output_dir, connector_dir):
        return None
    if entry.key != key(inputs, manifest, output_dir, stubs=stubs):
        return None
    if not outputs_match(entry, output_dir):
        return None
    return Hit(output_dir, entry, home, slot_name)
