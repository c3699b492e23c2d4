"""Record fields kept as the vendor's raw value until first read.

A harvest builds thousands of records a second and most consumers never look at most of their
timestamps: a JSONL or SQLite export writes epoch milliseconds straight back out. A codec with a
:class:`Lazy` rule lets the generated loader store a raw wire value that the rule vouches for
(e.g. an ``int`` of milliseconds in the range a ``datetime`` can hold) in the field's slot; a
:class:`LazyField` descriptor, installed over the slot, converts it on first read and keeps the
result. Reading the attribute therefore always gives the converted value (``datetime``,
``Decimal``): equality, hashing, ``repr``, pickling and ``attrs.evolve`` all go through it.
Values the rule does not vouch for are converted (or refused) while loading, as before, so a
malformed reply still fails where it is parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs


@attrs.frozen
class Lazy:
    """Codec option: wire values of exactly class ``cls`` with ``low <= value <= high`` are kept
    raw and converted on first read (NaN fails the comparison, so it is never kept)."""

    cls: type
    low: float
    high: float


class LazyField:
    """Data descriptor over a record's slot: converts a raw value of class ``raw`` with
    ``load`` on first read and stores the result back in the slot."""

    __slots__ = ("_get", "_load", "_raw", "_set", "member")

    def __init__(self, member: Any, load: Callable[[Any], Any], raw: type) -> None:
        self.member = member
        self._get = member.__get__
        self._set = member.__set__
        self._load = load
        self._raw = raw

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self._get(obj)
        if value.__class__ is self._raw:
            value = self._load(value)
            self._set(obj, value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        self._set(obj, value)


def slot(cls: type[Any], attr: str) -> Any:
    """The member descriptor of ``cls.attr``'s slot (a base's, if ``cls`` inherits it), under a
    :class:`LazyField` or not."""
    found = _lookup(cls, attr)
    return found.member if isinstance(found, LazyField) else found


def _lookup(cls: type[Any], attr: str) -> Any:
    return next(k.__dict__[attr] for k in cls.__mro__ if attr in k.__dict__)


def raw_reader(cls: type[Any], attr: str) -> Callable[[Any], Any]:
    """``read(record)``: the slot's content without converting it — the raw wire value when the
    field is still lazy, the converted value otherwise. For hot paths that can use either."""
    read: Callable[[Any], Any] = slot(cls, attr).__get__
    return read


def install(cls: type[Any], attr: str, load: Callable[[Any], Any], rule: Lazy) -> None:
    """Put a :class:`LazyField` over ``cls.attr`` (once)."""
    if not isinstance(_lookup(cls, attr), LazyField):
        setattr(cls, attr, LazyField(slot(cls, attr), load, rule.cls))
