"""Placeholder until the permissions checks land."""

CHECKS = ()
