"""Placeholder until the settings checks land."""

CHECKS = ()
