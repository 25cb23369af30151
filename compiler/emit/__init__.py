"""Emitters: pure functions from the IR (compiler/ir.py) to {relative path: text}."""
