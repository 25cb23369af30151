"""Emitters: pure functions from the IR (backfill_codegen/ir.py) to {relative path: text}."""
