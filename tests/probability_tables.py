"""Probability tables for the tests of exact counts and random draws."""

from __future__ import annotations

import numpy as np
import pandas as pd

from unvote.vocabulary import PROBABILITY_COLUMNS


def make_probs(values: np.ndarray, prefix: str = "C") -> pd.DataFrame:
    """A probability table with made-up three-letter member codes."""
    index = pd.Index([f"{prefix}{i:02d}" for i in range(len(values))], name="iso3")
    return pd.DataFrame(
        np.asarray(values, dtype=float), index=index, columns=list(PROBABILITY_COLUMNS)
    )


def random_probs(
    n: int, seed: int, *, zeros: float = 0.0, alpha=(1.0, 1.0, 1.0, 1.0)
) -> pd.DataFrame:
    """Dirichlet rows; with ``zeros`` > 0 some cells are set to 0 (each row keeps one)."""
    rng = np.random.default_rng(seed)
    values = rng.dirichlet(alpha, size=n)
    if zeros:
        mask = rng.random(values.shape) < zeros
        mask[np.arange(n), rng.integers(0, 4, size=n)] = False
        values[mask] = 0.0
        values /= values.sum(axis=1, keepdims=True)
    return make_probs(values)


def un_like(n: int = 193, seed: int = 2025) -> pd.DataFrame:
    """Mostly-yes members, a few likely abstainers, no voters and absentees."""
    rng = np.random.default_rng(seed)
    values = rng.dirichlet((8.0, 0.4, 0.3, 0.8), size=n)
    values[:3] = [[0.0, 0.05, 0.95, 0.0], [0.02, 0.1, 0.88, 0.0], [0.1, 0.7, 0.1, 0.1]]
    return make_probs(values)
