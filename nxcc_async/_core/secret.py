"""``Secret``: a credential that never shows itself in a repr, str, log line or traceback;
``redact_url``: a URL as it may be shown (without its passwords)."""

from __future__ import annotations

import re


class Secret:
    """Holds a secret string; ``reveal()`` is the only way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a secret must be a str, not {type(value).__name__}")
        if not value:
            raise ValueError("a secret must not be empty")
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for signing only."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __reduce__(self) -> str:
        raise TypeError("secrets are not picklable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash((Secret, self._value))


#: A query parameter holding a password (libpq reads ``password=`` and ``sslpassword=``).
_PASSWORD_PARAM = re.compile(r"([?&][^=&#]*password=)[^&#]*", re.IGNORECASE)


def redact_url(url: str) -> str:
    """``url`` with its passwords replaced by ``***``: safe to print.

    Read as loosely as libpq reads a URL, so that nothing slips through: the user-info is
    everything before the *last* ``@`` (a password may hold ``/``, ``?``, ``#`` unencoded), and
    its password everything after the first ``:`` of it; a ``password`` query parameter too.
    When in doubt, more is hidden, never less."""
    scheme, sep, rest = url.partition("://")
    if sep:
        at = rest.rfind("@")
        if at >= 0 and ":" in rest[:at]:
            user = rest[: rest.index(":")]
            rest = f"{user}:***@{rest[at + 1 :]}"
        url = f"{scheme}{sep}{rest}"
    return _PASSWORD_PARAM.sub(r"\1***", url)
