"""`backfill-codegen diff`: the changes between two versions of a manifest that break installed
connections. One module per job: load (the two sides, from paths or git), normalise and
settings (the settings schema, by meaning), witness (counter-examples), surface (name, webhook,
OAuth, routes), acknowledge (`breaking-changes.yaml`), report (changes -> diagnostics)."""
