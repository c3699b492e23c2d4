"""``Secret``: a credential that never shows itself in a repr, str, log line or traceback;
``shown_url``: a URL as it may be shown (without a password in it)."""

from __future__ import annotations


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


def shown_url(url: str) -> str:
    """``url`` with the password of its user info (``scheme://user:password@host``) hidden."""
    scheme, sep, rest = url.partition("://")
    netloc, slash, path = rest.partition("/")
    info, at, host = netloc.rpartition("@")
    if not sep or not at or ":" not in info:
        return url
    return f"{scheme}://{info.partition(':')[0]}:***@{host}{slash}{path}"
