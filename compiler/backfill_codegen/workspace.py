"""Facts about a workspace on disk, with no project imports: the manifest file names, where
route files live, how paths are shown, how manifests are found, and the usage error.

Everything else imports these from here (pipeline, route_files, driver, cli), so none of them
has to import another for a name or a folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

MANIFEST_NAMES = (
    "backfill.config.ts",
    "backfill.config.json",
    "backfill.config.yaml",
    "backfill.config.yml",
)
#: The folder of route files beside a manifest (connector-directory mode).
API_DIR = ("src", "api")
#: The record `generate` keeps in each output directory (backfill_codegen/record.py); here so
#: that manifest discovery can tell an output directory without importing the writer's modules.
RECORD_NAME = ".backfill-generated.json"


class UsageError(Exception):
    """A problem with how the compiler was called (a missing path, an unknown format): exit 2."""


def display_path(path: Path) -> str:
    """The path as users see it: relative to the working directory when inside it, `/`-separated.
    The last component is never resolved: a symlinked manifest is shown as the link, not as
    where it leads (os.path.realpath: Path.resolve raises on a symlink loop)."""
    real = Path(os.path.realpath(path.parent)) / path.name
    try:
        return real.relative_to(os.path.realpath(Path.cwd())).as_posix()
    except ValueError:
        return path.as_posix()


def find_manifests(paths: Iterable[Path]) -> list[Path]:
    """Manifest files named by the arguments: files as given, directories searched recursively.

    Hidden folders, `node_modules` and symlinked folders are not entered. Folders holding
    generate's record are (`generate -o` may write into a connector's own folder, or above
    others). Two manifests in one folder are ambiguous and a usage error.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_file() or (path.is_symlink() and path.name in MANIFEST_NAMES):
            found.append(path)
            continue
        if not path.is_dir():
            raise UsageError(f"{path.as_posix()}: no such file or directory")
        before = len(found)
        found.extend(_search(path))
        if len(found) == before:
            raise UsageError(
                f"{path.as_posix()}: no manifest found (looked for {', '.join(MANIFEST_NAMES)})"
            )
    # Deduplicated by the link's own location, never its target's: two symlinks to one file
    # are two manifests (each judged on where it leads), and a loop cannot raise here.
    unique = {os.path.join(os.path.realpath(p.parent), p.name): p for p in found}
    return sorted(unique.values(), key=lambda p: p.as_posix())


def _search(root: Path) -> list[Path]:
    found = []
    pending = [str(root)]  # strings, not Paths: thousands of folders in a monorepo
    while pending:
        folder = pending.pop()
        try:
            # scandir, not iterdir: an entry's type comes with the listing, no stat per entry.
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        # A manifest-named symlink is found whatever it points to, so that one leading out of
        # the connector (BF009) or nowhere (BF010) is reported rather than silently skipped.
        here = [e for e in entries if e.name in MANIFEST_NAMES and (e.is_symlink() or e.is_file())]
        if len(here) > 1:
            names = ", ".join(e.name for e in here)
            where = Path(folder).as_posix()
            raise UsageError(f"{where}: more than one manifest ({names}); keep one")
        found.extend(Path(folder, e.name) for e in here)
        for entry in entries:
            skip = entry.name.startswith(".") or entry.name in ("node_modules", "__pycache__")
            if not skip and entry.is_dir(follow_symlinks=False):
                pending.append(os.path.join(folder, entry.name))
    return found
