"""OAuth URL templates: `https://<shop>.myshopify.com/admin/oauth/authorize`.

A template is an absolute `https://` URL in which `<name>` tokens stand for pre-OAuth settings.
`parse_template` finds the tokens, says which sit in the authority (a *dynamic host*), and lists
what is malformed, each problem with a message and, where there is one, a fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: What a token is replaced with to check the URL's structure: a valid host label.
_FILLER = "x"
_WRITE_AS = "write a setting as `<name>`"
_HOST = re.compile(r"[A-Za-z0-9\u0080-\U0010ffff-]+(?:\.[A-Za-z0-9\u0080-\U0010ffff-]+)*\.?")


#: Where a token sits in the URL.
PATH = "path"  # after the authority: it cannot move the host
LABEL = "label"  # in the host, before a fixed domain of two labels or more (`<shop>.example.com`)
HOST = "host"  # in the host, with no such domain after it: the value picks the domain
PORT = "port"  # after the host's `:`


@dataclass(frozen=True)
class Token:
    name: str
    start: int  # character offsets of `<name>` in the template
    end: int
    place: str = PATH  # PATH, LABEL, HOST or PORT

    @property
    def in_host(self) -> bool:
        """Inside the authority (host or port): a dynamic host."""
        return self.place != PATH


@dataclass(frozen=True)
class Problem:
    message: str
    help: str | None = None
    span: tuple[int, int] | None = None  # the offending characters, when it is a few of them


@dataclass(frozen=True)
class Template:
    tokens: tuple[Token, ...]
    problems: tuple[Problem, ...]


def _foreign_token(text: str, start: int) -> tuple[int, Problem] | None:
    """`${connectionConfig.x}`, `${x}`, `{x}` or `{{x}}` at `start`: where it ends and the fix."""
    if text.startswith("${", start):
        end = text.find("}", start)
        if end < 0:
            return len(text), Problem("`${` is not closed", _WRITE_AS, (start, start + 2))
        inner = text[start + 2 : end].strip()
        name = inner.rsplit(".", 1)[-1].strip()
        fix = f"write `<{name}>`" if _NAME.fullmatch(name) else _WRITE_AS
        return end + 1, Problem(
            f"`{text[start : end + 1]}` is not a token: settings are written `<name>`",
            fix,
            (start, end + 1),
        )
    if text.startswith("{", start):
        end = text.find("}", start)
        if end < 0:
            return None
        close = end + 1
        if text.startswith("{{", start) and text.startswith("}", close):
            close += 1
        name = text[start:close].strip("{} ")
        fix = f"write `<{name}>`" if _NAME.fullmatch(name) else _WRITE_AS
        return close, Problem(
            f"`{text[start:close]}` is not a token: settings are written `<name>`",
            fix,
            (start, close),
        )
    return None


def _authority_end(text: str) -> int:
    """Where the authority of `scheme://authority...` ends (the first `/`, `?` or `#`)."""
    begin = text.find("://")
    begin = 0 if begin < 0 else begin + 3
    for index in range(begin, len(text)):
        if text[index] in "/?#\\":
            return index
    return len(text)


def _pins_the_domain(suffix: str) -> bool:
    """Whether fixed host text after a token ends in a domain of two labels or more (`.b.c`,
    `-x.b.c`): the token's value then stays under that domain. (`.co.uk` passes too: public
    suffixes are not modelled.)"""
    labels = suffix.split(".")[1:]
    if labels and labels[-1] == "":
        labels.pop()  # a fully qualified `example.com.`
    return len(labels) >= 2 and all(labels)


def _places(text: str, tokens: list[Token], authority_end: int) -> list[Token]:
    """`tokens` with their place in the URL (each comes in as PATH)."""
    begin = text.find("://")
    begin = 0 if begin < 0 else begin + 3
    host_start = max(begin, text.rfind("@", begin, authority_end) + 1)
    bracket = text.find("]", host_start, authority_end) if text.startswith("[", host_start) else -1
    colon = text.find(":", max(host_start, bracket), authority_end)  # an IPv6 host has its own
    host_end = authority_end if colon < 0 else colon
    in_host = [t for t in tokens if host_start <= t.start < host_end]
    pinned = bool(in_host) and _pins_the_domain(text[in_host[-1].end : host_end])
    placed = []
    for token in tokens:
        place = PATH
        if token.start < authority_end:
            place = PORT if colon >= 0 and token.start > colon else LABEL if pinned else HOST
        placed.append(Token(token.name, token.start, token.end, place))
    return placed


def parse_template(text: str) -> Template:
    tokens: list[Token] = []
    problems: list[Problem] = []
    filled: list[str] = []  # the template with every token (good or bad) replaced by _FILLER
    authority_end = _authority_end(text)
    index = 0
    while index < len(text):
        char = text[index]
        foreign = _foreign_token(text, index) if char in "${" else None
        if foreign is not None:
            index, problem = foreign
            problems.append(problem)
            filled.append(_FILLER)
        elif char == "<":
            close = text.find(">", index + 1)
            reopen = text.find("<", index + 1)
            if close < 0 or 0 <= reopen < close:
                problems.append(
                    Problem("`<` without a matching `>`", _WRITE_AS, (index, index + 1))
                )
                filled.append(_FILLER)
                index += 1
                continue
            name = text[index + 1 : close]
            if not name:
                problems.append(Problem("empty token `<>`", _WRITE_AS, (index, close + 1)))
            elif not _NAME.fullmatch(name):
                problems.append(
                    Problem(
                        f"`<{name}>` is not a setting token: a name is letters, digits, `_` "
                        "and `-`, starting with a letter or `_`",
                        span=(index, close + 1),
                    )
                )
            else:
                tokens.append(Token(name, index, close + 1))
            in_port = index < authority_end and text[index - 1 : index] == ":"
            filled.append("1" if in_port else _FILLER)
            index = close + 1
        elif char == ">":
            problems.append(Problem("`>` without a matching `<`", _WRITE_AS, (index, index + 1)))
            filled.append(_FILLER)
            index += 1
        else:
            filled.append(char)
            index += 1
    problems.extend(_url_problems(text, "".join(filled), tokens))
    return Template(tuple(_places(text, tokens, authority_end)), tuple(problems))


def _url_problems(text: str, filled: str, tokens: list[Token]) -> list[Problem]:
    space = next((i for i, char in enumerate(text) if char.isspace()), None)
    if space is not None:
        return [
            Problem(
                "the URL contains whitespace",
                "remove it, or percent-encode it (`%20`)",
                (space, space + 1),
            )
        ]
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in text):
        return [Problem("the URL contains a control character")]
    if tokens and tokens[0].start == 0:
        return [
            Problem(
                "a setting cannot supply the scheme: the URL must start with `https://`",
                f"write `https://<{tokens[0].name}>/...` with a host-only setting",
            )
        ]
    problems: list[Problem] = []
    lowered = filled.lower()
    if lowered.startswith("http://"):
        problems.append(
            Problem("the URL uses `http`: OAuth endpoints must use `https://`", "write `https://`")
        )
    elif not lowered.startswith("https://"):
        return [Problem("not an absolute `https://` URL")]
    if "\\" in filled:
        return [*problems, Problem("the URL contains `\\`, which browsers read as `/`")]
    try:
        parts = urlsplit(filled)
        port = parts.port
    except ValueError as error:
        return [*problems, Problem(f"the URL's authority is malformed: {error}")]
    if "@" in parts.netloc:
        problems.append(Problem("the URL has userinfo (`user@`)", "remove the part before `@`"))
    host = parts.hostname or ""
    if not host:
        problems.append(Problem("the URL has no host"))
    elif not (host.startswith("[") or ":" in host or _HOST.fullmatch(host)):
        problems.append(Problem(f"`{host}` is not a valid host"))
    if port == 0:
        problems.append(Problem("port 0 is not a valid port"))
    if "#" in text:
        hash_at = text.index("#")
        problems.append(
            Problem("the URL has a fragment (`#...`)", "remove the fragment", (hash_at, len(text)))
        )
    return problems
