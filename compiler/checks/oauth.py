"""Placeholder until the oauth checks land."""

CHECKS = ()
