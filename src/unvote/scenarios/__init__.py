"""Scenarios of diplomatic pressure: channels, their strengths, and the built-in ones.

:mod:`~unvote.scenarios.scenario` reads scenario files (TOML), checks them,
selects members through features (never lists of countries) and applies each
channel's shift to the model's probabilities.
"""

from unvote.scenarios.scenario import (
    Channel,
    Scenario,
    builtin_scenarios,
    get_scenario,
    read_scenario,
)

__all__ = [
    "Channel",
    "Scenario",
    "builtin_scenarios",
    "get_scenario",
    "read_scenario",
]
