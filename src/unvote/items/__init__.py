"""Items: the recurring texts that link roll calls across sessions.

:mod:`~unvote.items.catalogue` folds titles, links roll calls and adopted
resolutions into items, finds an item by words and loads its history.
Reads :mod:`unvote.record`; read by the model and everything above it.
"""
