"""The content-hash cache of `generate`: skip a connector whose inputs and outputs are exactly
as a previous run left them.

What a run's output depends on, and so what the key covers:
- the tool: this package's version and the bytes of every file in it (code, templates,
  schemas: an edited checkout never trusts an older cache), the Python version, and the versions
  of the distributions that shape the output (datamodel-code-generator, ruff, idna, jinja2, ... and
  everything they depend on);
- the options: the output directory relative to the connector directory (and back), and whether
  route stubs are written (`--example` writes none);
- the connector: the manifest's name and bytes, and everything under `src/api/` (every name,
  every file's bytes, every symlink's target and where it resolves), a superset of what the
  route-file checks read.

The cache file, `<output>/.backfill-cache.json`, records the key and the sha256 of every file the
run generated there. A connector is skipped only when the key matches AND the output directory
holds exactly those files with exactly those bytes, and no other file carrying the
generated-code notice (one `generate` would remove). Anything else (no cache file, a malformed
one, another version's, an edited or deleted output) is a miss: the connector goes through the
normal path, which repairs or reports it. A recorded key -> outputs pair is written only by a run
that rendered those outputs from those inputs, and only when the inputs did not change while it
ran (their contents and their stat data are read again after rendering), so a hit can never keep
a stale file: it holds for as long as the tool is deterministic and no one forges the file (which
is why a committed cache is not to be trusted, and the README says to ignore it in git). The one
gap: an edit undone to the very same bytes within one tick of the file system's clock while
`generate` runs.

Nothing here imports the checks, the front ends or the emitters: a run where every connector hits
stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from compiler import __version__
from compiler.emit.header import has_notice

CACHE_NAME = ".backfill-cache.json"
#: Bumped whenever the file's layout or the key's recipe changes.
FORMAT = 1
#: A cache file larger than this is not one of ours.
_MAX_CACHE_BYTES = 1 << 20
#: Bytes read from an unrecorded file to see whether it carries the notice (`has_notice` looks at
#: the first 512 characters: at most 4 bytes each).
_NOTICE_BYTES = 2048
_PACKAGE = Path(__file__).resolve().parent
#: The distributions whose code shapes what `generate` writes (pyproject's dependencies, kept in
#: step by a test); the distributions they depend on are followed too.
DEPENDENCIES = (
    "datamodel-code-generator",
    "idna",
    "jinja2",
    "jsonschema",
    "jsonschema-rs",
    "pydantic",
    "regress",
    "ruamel.yaml",
    "ruff",
    "tree-sitter",
    "tree-sitter-typescript",
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


def read_inputs(manifest: Path) -> Inputs | None:
    """The manifest and everything under `src/api/` beside it; None when something there cannot
    be read (such a connector is never cached)."""
    reader = _Reader(manifest.parent)
    try:
        reader.feed("manifest", manifest.name, reader.read(manifest))
        reader.api_tree()
    except OSError:
        return None
    return Inputs(reader.content.hexdigest(), reader.witness.hexdigest())


class _Reader:
    """One connector's inputs, fed into the two digests of `Inputs`."""

    def __init__(self, connector_dir: Path) -> None:
        self.connector_dir = connector_dir
        self.content = hashlib.sha256()
        self.witness = hashlib.sha256()
        self.visited: set[tuple[int, int]] = set()
        self._root: str | None = None

    def feed(self, *fields: str | bytes) -> None:
        _feed(self.content, *fields)

    def stamp(self, status: os.stat_result) -> None:
        fields = (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
        _feed(self.witness, *map(str, fields))

    def read(self, path: str | Path) -> bytes:
        with open(path, "rb") as handle:
            self.stamp(os.fstat(handle.fileno()))
            return handle.read()

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
                self.feed("file", child, hashlib.sha256(self.read(entry.path)).digest())
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


# --- the cache file -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What a cache file says: the key, the connector's name and manifest (relative to the
    output directory), and the sha256 of every file generated there."""

    key: str
    name: str
    manifest: str
    outputs: Mapping[str, str] = field(default_factory=dict)


def dump(entry: Entry) -> str:
    """The cache file's text: sorted keys, no time stamps, no absolute paths."""
    document = {
        "about": "backfill-codegen generate's cache: safe to delete; not to be committed",
        "format": FORMAT,
        "version": __version__,
        "key": entry.key,
        "name": entry.name,
        "manifest": entry.manifest,
        "outputs": dict(sorted(entry.outputs.items())),
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def entry_for(
    key_: str, name: str, manifest: Path, output_dir: Path, generated: Mapping[Path, str]
) -> Entry | None:
    """The entry recording `generated` (absolute path -> text, this output directory's files);
    None when a path cannot be written down relatively."""
    manifest_path = _relative(manifest, output_dir)
    if manifest_path is None:
        return None
    outputs = {}
    for path, text in generated.items():
        relative = path.relative_to(output_dir).as_posix()
        outputs[relative] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    entry = Entry(key_, name, manifest_path, outputs)
    return entry if _valid(entry) else None


def load(output_dir: Path) -> Entry | None:
    """The cache file of `output_dir`, or None when there is none or it is not a valid one of
    this version's (unreadable, truncated, not JSON, another format): never an error."""
    path = output_dir / CACHE_NAME
    try:
        with open(path, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            data = handle.read(_MAX_CACHE_BYTES + 1)
        document = json.loads(data)
    except (OSError, ValueError, RecursionError):
        return None
    if (
        not isinstance(document, dict)
        or len(data) > _MAX_CACHE_BYTES
        or document.get("format") != FORMAT
        or document.get("version") != __version__
    ):
        return None
    key_, name = document.get("key"), document.get("name")
    manifest, outputs = document.get("manifest"), document.get("outputs")
    if not (isinstance(key_, str) and isinstance(name, str) and isinstance(manifest, str)):
        return None
    if not isinstance(outputs, dict):
        return None
    entry = Entry(key_, name, manifest, outputs)
    return entry if _valid(entry) else None


def _valid(entry: Entry) -> bool:
    return (
        _HEX64.fullmatch(entry.key) is not None
        and _NAME.fullmatch(entry.name) is not None
        and _safe_relative(entry.manifest, parents=True)
        and all(
            _safe_relative(path) and isinstance(digest, str) and _HEX64.fullmatch(digest)
            for path, digest in entry.outputs.items()
        )
        and CACHE_NAME not in entry.outputs
    )


def _safe_relative(path: object, *, parents: bool = False) -> bool:
    """A relative `/`-separated path without empty, `.` or (unless `parents`) `..` parts."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        return False
    if "\0" in path or re.match(r"[A-Za-z]:", path):
        return False
    banned = {"", "."} if parents else {"", ".", ".."}
    return not any(part in banned for part in path.split("/"))


def outputs_match(entry: Entry, output_dir: Path) -> bool:
    """Whether `output_dir` holds exactly the recorded files, byte for byte, and no other file
    with the generated-code notice; any surprise (a symlink, a special file, an unreadable
    file) is a mismatch, left to the normal path to repair or report."""
    try:
        if not stat.S_ISDIR(os.lstat(output_dir).st_mode):
            return False
        seen: set[str] = set()
        if not _outputs_below(str(output_dir), "", entry.outputs, seen):
            return False
    except OSError:
        return False
    return seen == set(entry.outputs)


def _outputs_below(folder: str, prefix: str, outputs: Mapping[str, str], seen: set[str]) -> bool:
    with os.scandir(folder) as found:
        entries = list(found)
    for item in entries:
        relative = prefix + item.name
        status = item.stat(follow_symlinks=False)
        if stat.S_ISDIR(status.st_mode):
            if not _outputs_below(item.path, relative + "/", outputs, seen):
                return False
        elif stat.S_ISREG(status.st_mode):
            if relative in outputs:
                with open(item.path, "rb") as handle:
                    if hashlib.sha256(handle.read()).hexdigest() != outputs[relative]:
                        return False
                seen.add(relative)
            elif relative != CACHE_NAME and _carries_notice(item.path):
                return False  # a generated file no longer produced: generate would remove it
        elif stat.S_ISLNK(status.st_mode):
            if relative in outputs:
                return False
        else:
            return False  # a special file: generate refuses the directory
    return True


def _carries_notice(path: str) -> bool:
    with open(path, "rb") as handle:
        return has_notice(handle.read(_NOTICE_BYTES).decode("utf-8", "replace"))


# --- finding the hits -----------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    output_dir: Path
    entry: Entry


def lookup(
    manifest: Path, inputs: Inputs | None, candidates: Iterable[Path], *, stubs: bool
) -> Hit | None:
    """The first of the candidate output directories (absolute) whose cache holds this
    connector's key and whose files match it; None: a miss."""
    if inputs is None:
        return None
    for output_dir in candidates:
        entry = load(output_dir)
        if entry is None or entry.manifest != _relative(manifest, output_dir):
            continue
        if entry.key == key(inputs, manifest, output_dir, stubs=stubs) and outputs_match(
            entry, output_dir
        ):
            return Hit(output_dir, entry)
    return None


def claimed_by(root: Path) -> dict[str, list[Path]]:
    """With several connectors generated into `root/<name>`, which connector's name is unknown
    until its manifest is parsed: each `root/<name>` whose cache names a manifest (and that very
    name), by the manifest's normalized absolute path."""
    claims: dict[str, list[Path]] = {}
    try:
        folders = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError:
        return claims
    for folder in folders:
        if not folder.is_dir(follow_symlinks=False):
            continue
        entry = load(Path(folder.path))
        if entry is not None and entry.name == folder.name:
            manifest = os.path.normpath(os.path.join(folder.path, entry.manifest))
            claims.setdefault(manifest, []).append(Path(folder.path))
    return claims
