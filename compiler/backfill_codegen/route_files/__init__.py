"""Connector-directory mode: the route files under `src/api/`, checked against the manifest.

`analyze` is the one entry point (the pipeline calls it); `RouteFile` is what `generate` documents.
"""

from backfill_codegen.route_files.analysis import Analysis, analyze
from backfill_codegen.route_files.discovery import RouteFile

__all__ = ["Analysis", "RouteFile", "analyze"]
