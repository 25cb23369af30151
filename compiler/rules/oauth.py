"""Placeholder: filled by the oauth area."""

RULES = ()
