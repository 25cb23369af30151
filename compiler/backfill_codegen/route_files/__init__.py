"""Connector-directory mode: the route files under `src/api/`, checked against the manifest.

`analyze` is the one entry point (the pipeline calls it); `READS` the manifest paths it compares
the files with; `RouteFile` is what `generate` documents.
"""

from backfill_codegen.route_files.analysis import Analysis, analyze
from backfill_codegen.route_files.declared import READS
from backfill_codegen.route_files.discovery import RouteFile

__all__ = ["READS", "Analysis", "RouteFile", "analyze"]
