"""OAuth scopes in words, where the scope's meaning is standard; else None (shown as given).

Only scopes whose meaning is fixed by a standard or by the provider's own naming are worded:
OpenID Connect's (the same at every provider) and Google's `…/auth/*.readonly` family. Any
other scope is shown exactly as the manifest writes it: a guess would mislead the admin.
"""

from __future__ import annotations

import re

_OPENID = {
    "openid": "sign you in with your account (OpenID Connect)",
    "profile": "read your basic profile: name, picture",
    "email": "read your email address",
    "address": "read your postal address",
    "phone": "read your phone number",
    "offline_access": "keep access while you are signed out (a refresh token)",
}
_GOOGLE = re.compile(r"https://www\.googleapis\.com/auth/([a-z.]+)")


def words(scope: str) -> str | None:
    if scope in _OPENID:
        return _OPENID[scope]
    google = _GOOGLE.fullmatch(scope)
    if google:
        api, _, mode = google.group(1).partition(".")
        access = "read" if mode == "readonly" else "read and change"
        return f"{access} your Google {api.capitalize()} data"
    return None
