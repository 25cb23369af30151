"""backfill-codegen: a compiler for Backfill connector manifests."""

__version__ = "0.1.0"
