"""ANSI styling that is the identity when colour is off."""

from __future__ import annotations

from dataclasses import dataclass

from backfill_codegen.diagnostics.model import Severity

_RESET = "\x1b[0m"
BOLD = "1"
BLUE = "1;34"
SEVERITY_SGR = {Severity.ERROR: "1;31", Severity.WARNING: "1;33"}


@dataclass(frozen=True)
class Style:
    color: bool

    def paint(self, text: str, sgr: str) -> str:
        if not self.color or not text:
            return text
        return f"\x1b[{sgr}m{text}{_RESET}"

    def severity(self, text: str, severity: Severity) -> str:
        return self.paint(text, SEVERITY_SGR[severity])
