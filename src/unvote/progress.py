"""Progress of long work: a bar on stderr by default, silence, or a caller's own reporter.

The evaluations fit a model a session or a vote and take minutes from a cold
cache.  Each takes ``progress``: ``True`` (the default) draws a tqdm bar on
standard error, which a terminal and a notebook both show; ``False`` or
``None`` is silent (as is ``TQDM_DISABLE=1`` in the environment, for logs);
a callable is called with each step instead (the command line's own
reporter).

>>> [year for year in steps([2023, 2024], "backtest", progress=False)]
[2023, 2024]
>>> seen = []
>>> list(steps(["a", "b"], "work", progress=seen.append)) == seen == ["a", "b"]
True
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

Step = TypeVar("Step")
Progress = bool | Callable[[Any], None] | None


def steps(items: Iterable[Step], label: str, progress: Progress = True) -> Iterator[Step]:
    """Each of ``items``, reporting it as ``progress`` says (see the module docstring)."""
    if callable(progress):
        for item in items:
            progress(item)
            yield item
    elif progress:
        from tqdm import tqdm  # only long work pays for the import

        items = list(items)
        silent = os.environ.get("TQDM_DISABLE", "") not in ("", "0")  # read at each call
        yield from tqdm(items, desc=label, total=len(items), file=sys.stderr, disable=silent)
    else:
        yield from items
