"""Placeholder: filled by the settings area."""

RULES = ()
