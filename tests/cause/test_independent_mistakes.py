"""Two mistakes in one value are two diagnostics: repairing one (derived.py re-checks the
document as the author meant it) must not hide the other, although the repair changes the
value's text and so where a finding inside it points.

Generated: a webhook URL template whose prefix is wrong in one of several ways (or right), and
whose `<connection_id>` token is misspelt in one of several ways (or right), anywhere after the
prefix. The prefix's BF303 is reported exactly when the prefix is wrong, whatever the token; the
misspelt token's BF302 exactly when it is misspelt; and nothing derived from the misspelling
(BF304: no `<connection_id>`) ever is.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from backfill_codegen.pipeline import check_manifest
from backfill_codegen.rules.setup import (
    UNKNOWN_WEBHOOK_TOKEN,
    WEBHOOK_MISSING_CONNECTION_ID,
    WEBHOOK_WRONG_PREFIX,
)

GOOD_PREFIX = "/api/v1/extensions/<tenant_id>/acme/routes/"
#: Wrong prefixes whose mistake is not a `<token>` (a token would explain the prefix itself).
WRONG_PREFIXES = (
    "/api/v1/extensions/{tenant_id}/acme/routes/",
    "/api/v1/extensions/{{tenant_id}}/acme/routes/",
    "/api/v1/extension/<tenant_id>/acme/routes/",
    "/api/v1/extensions/<tenant_id>/acme/route/",
    "/api/v2/extensions/<tenant_id>/acme/routes/",
)
#: Near misses of `connection_id` that BF302 suggests it for.
TOKENS = ("connectionId", "connection-id", "conection_id", "connection_ids", "ConnectionId")


@settings(deadline=None)
@given(
    prefix=st.sampled_from((GOOD_PREFIX, *WRONG_PREFIXES)),
    token=st.sampled_from(("connection_id", *TOKENS)),
    rest=st.sampled_from(("webhooks/", "webhooks/acme/", "in/", "hooks/events/")),
    query=st.booleans(),
)
def test_a_repair_hides_only_what_it_repairs(
    tmp_path_factory, prefix: str, token: str, rest: str, query: bool
) -> None:
    template = prefix + (f"{rest}acme?connection_id=<{token}>" if query else f"{rest}<{token}>")
    folder = tmp_path_factory.mktemp("acme")
    manifest = folder / "backfill.config.json"
    manifest.write_text(
        json.dumps(
            {
                "name": "acme",
                "connection": {
                    "setup": {"webhookUrlTemplate": template, "instructions": "Paste it."}
                },
            },
            indent=2,
        )
    )
    codes = [d.code for d in check_manifest(manifest).diagnostics]
    assert (WEBHOOK_WRONG_PREFIX.code in codes) == (prefix != GOOD_PREFIX), (template, codes)
    assert (UNKNOWN_WEBHOOK_TOKEN.code in codes) == (token != "connection_id"), (template, codes)
    assert WEBHOOK_MISSING_CONNECTION_ID.code not in codes, (template, codes)


def test_the_reported_case(tmp_path: Path) -> None:
    """The fix golden whose BF303 was once dropped: `{tenant_id}` and `<connectionId>`."""
    manifest = tmp_path / "backfill.config.yaml"
    manifest.write_text(
        'name: acme\nconnection:\n  setup:\n    webhookUrlTemplate: "/api/v1/extensions/'
        '{tenant_id}/acme/routes/webhooks/acme?connection_id=<connectionId>"\n'
        "    instructions: Paste it.\n"
    )
    codes = sorted(d.code for d in check_manifest(manifest).diagnostics)
    assert codes == sorted([UNKNOWN_WEBHOOK_TOKEN.code, WEBHOOK_WRONG_PREFIX.code])
