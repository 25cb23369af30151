"""Placeholder: filled by the permissions area."""

RULES = ()
