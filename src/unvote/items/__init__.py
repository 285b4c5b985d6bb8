"""Items: the recurring texts that link roll calls across sessions.

:mod:`~unvote.items.catalogue` folds titles, links roll calls and adopted
resolutions into items, finds an item by words and loads its history.
Reads :mod:`unvote.record`; read by the model and everything above it.
"""

from unvote.items.catalogue import (
    Item,
    find_items,
    get_item,
    link_items,
    link_reasons,
    load_item_totals,
    load_item_votes,
    load_items,
    normalise_title,
    roll_calls_with_items,
)

__all__ = [
    "Item",
    "find_items",
    "get_item",
    "link_items",
    "link_reasons",
    "load_item_totals",
    "load_item_votes",
    "load_items",
    "normalise_title",
    "roll_calls_with_items",
]
