"""Front ends: a manifest's text in any supported format -> one located value tree."""
