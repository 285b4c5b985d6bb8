"""What a process builds once and asks for again: the last few values built, by key.

The record, the linking of its roll calls into items and the items table each
take seconds to build and are asked for again and again (a forecast, a search,
a notebook).  :class:`Recent` keeps the last few of each, keyed by a digest of
what they were built from, so that new data builds anew and old data is let go.

>>> built = Recent(size=2)
>>> built.get("a", lambda: [1]), built.get("a", lambda: [2]), built.get(None, lambda: [3])
([1], [1], [3])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class Recent(Generic[Value]):
    """The last ``size`` values built, by key; a key of None is never kept (built each time)."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self._values: dict[str, Value] = {}

    def get(self, key: str | None, build: Callable[[], Value]) -> Value:
        """The value kept under ``key``, or ``build()`` kept there (the oldest let go)."""
        if key is None:
            return build()
        if key not in self._values:
            value = build()
            while len(self._values) >= self.size:
                del self._values[next(iter(self._values))]
            self._values[key] = value
        return self._values[key]
