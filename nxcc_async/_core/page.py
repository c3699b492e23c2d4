"""``Page``: one page of a paged listing, with its position and the total when the API gives one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

import attrs

T = TypeVar("T")


@attrs.frozen
class Page(Generic[T]):
    """One page: ``items``, the 1-based ``page`` number and ``size`` asked for, and ``total``
    (all matching rows) when the endpoint reports it (``None`` for ``cdr/page``)."""

    items: list[T]
    page: int
    size: int
    total: int | None = None

    @property
    def is_last(self) -> bool:
        """True when no page follows: beyond ``total``, or shorter than ``size``."""
        if len(self.items) < self.size:
            return True
        return self.total is not None and self.page * self.size >= self.total

    @property
    def page_count(self) -> int | None:
        """How many pages the listing has, when ``total`` is known."""
        if self.total is None:
            return None
        return max(1, -(-self.total // self.size))

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
