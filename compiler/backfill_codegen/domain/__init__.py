"""Facts of the Backfill platform and its formats that checks and emitters both use: URL and
allowlist rules, webhook and OAuth templates, ECMAScript regexes, the settings vocabulary and
dialects, route paths. Imports nothing from checks/, emit/ or the front ends."""
