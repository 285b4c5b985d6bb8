"""The plain-text reports of forecasts, evaluations and the record's status.

Every table the ``forecast`` command prints is made here, from the
library's containers (:class:`~unvote.forecasting.vote.Forecast`,
:class:`~unvote.evaluation.runs.Backtest`, ...): numbers are formatted once,
in this module, and the command only writes what it returns.  The reports
are at most 80 columns wide (but for a forecast's two header lines), list the
outcomes in one order, yes, abstain, no, absent, and never show ``-0.0``.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import Any

from unvote.vocabulary import LEVELS, OUTCOMES, level_key

# The formatters of numbers, shared by the text tables and the HTML report (report.html).


def count(value: float) -> str:
    """An expected count, to one decimal, never ``-0.0``: ``152.9``."""
    return f"{value + 0.0:.1f}"


def count_range(bounds: Sequence[int]) -> str:
    """An interval of counts: ``130-169``."""
    return f"{bounds[0]}-{bounds[1]}"


def probability(p: float) -> str:
    """A probability as a percentage to one decimal: ``97.3%``; ``>99.9%`` and ``<0.1%``
    where rounding would claim a certainty the forecast does not have."""
    if p < 0.0005:
        return "<0.1%"
    return ">99.9%" if p >= 0.9995 else f"{p:.1%}"


def signed(value: float, digits: int = 1) -> str:
    """``+1.5``, ``-0.9`` or ``0.0``: a rounded change, never ``-0.0``."""
    rounded = round(value, digits) + 0.0
    return f"{rounded:+.{digits}f}" if rounded else f"{0:.{digits}f}"


def file_size(size: int) -> str:
    """A file size for people: ``812 bytes``, ``40.2 kB``, ``12.3 MB``."""
    if size < 1_000:
        return f"{size} bytes"
    return f"{size / 1e3:.1f} kB" if size < 1_000_000 else f"{size / 1e6:.1f} MB"


def wrap_note(text: str) -> str:
    """A note wrapped at 80 columns, paths kept whole."""
    return textwrap.fill(
        text, 80, subsequent_indent="  ", break_on_hyphens=False, break_long_words=False
    )


def _codes(names: Sequence[str]) -> dict[str, str]:
    return {name: str(k + 1) for k, name in enumerate(names)}


def format_scenario(
    fc: Any,
    name: str,
    top: int,
    draws: Any = None,
    thresholds: Sequence[int] | None = None,
) -> str:
    """One scenario as a compact block of text, at most 80 columns wide."""

    sf = fc.scenarios[name]
    last = fc.last_observed
    thresholds = fc.thresholds if thresholds is None else thresholds

    def row(label: str, cells: dict[str, Any]) -> str:
        return f"  {label:<18}" + "".join(f"{cells[o]:>10}" for o in OUTCOMES)

    lines = textwrap.wrap(f"{name}: {sf.description}", width=80, subsequent_indent="  ")
    if sf.scenario.uncertain:
        lines.append("  (the intervals include the uncertainty about the campaign's strength)")
    lines.append(row("", {o: o for o in OUTCOMES}))
    lines.append(row("expected", {o: count(sf.expected[o]) for o in OUTCOMES}))
    for level in LEVELS:
        key = level_key(level)
        lines.append(
            row(f"{key} % interval", {o: count_range(sf.intervals[key][o]) for o in OUTCOMES})
        )
    if draws is not None:
        bounds = draws.intervals(LEVELS[0])
        label = f"{level_key(LEVELS[0])} % of draws"
        lines.append(row(label, {o: count_range(bounds[o]) for o in OUTCOMES}))
    if last["year"] is not None:
        lines.append(row(f"recorded {last['year']}", last))
    if fc.outcome is not None:
        lines.append(row(f"outcome {fc.year}", fc.outcome))
    below = ", ".join(f"<{t}: {probability(sf.prob_yes_below(t))}" for t in thresholds)
    said = [f"P(yes {below})"] if below else []
    if last["year"] is not None:
        shift = signed(sf.expected["yes"] - last["yes"])
        said.insert(0, f"change in yes from {last['year']}: {shift};")
    if said and len("  " + "  ".join(said)) <= 80:
        lines.append("  " + "  ".join(said))
    else:  # probabilities of 100.0 %, or many thresholds: a line each, wrapped between them
        lines += [
            textwrap.fill(
                s.replace(": ", ":\0"), 80, initial_indent="  ", subsequent_indent="    "
            ).replace("\0", " ")
            for s in said
        ]
    if top:
        lines += _ranked_lists(sf, top)
    return "\n".join(lines)


def _ranked_lists(sf: Any, top: int) -> list[str]:
    """The scenario's two lists of members, labelled so that nobody confuses them."""
    from unvote.record.countries import display_name

    lines = []
    if sf.scenario.channels:
        codes = _codes([c.name for c in sf.scenario.channels])
        moved = sf.moved_by_campaign(top)
        lines.append("  moved by the campaign (P(not yes): without -> with it):")
        if moved.empty:
            lines.append("    none")
        for iso3, member in moved.iterrows():
            acting = ",".join(codes[c] for c in sf.members.loc[iso3, "channels"].split(", ") if c)
            lines.append(
                f"    {iso3} {member['last_vote']:<7} {member['p_not_yes_baseline']:.2f} -> "
                f"{member['p_not_yes']:.2f} ({signed(member['change'], 2)})  {acting or '-':<6} "
                f"{display_name(member['country'])}"
            )
        lines.append("  channels: " + ", ".join(f"{k} {c}" for c, k in codes.items()))
    return lines


def format_likely_to_change(sf: Any, top: int) -> str:
    """The members likely to change anyway, from history alone: the same under every scenario."""
    from unvote.record.countries import display_name

    lines = [
        "likely to change anyway: from history alone, no campaign (under every scenario)",
        f"    ISO last    P(change)  {'P(yes/abstain/no/absent)':<25}  member",
    ]
    for iso3, member in sf.likely_to_change_anyway(top).iterrows():
        probs = " / ".join(f"{member[f'p_{o}']:.2f}" for o in OUTCOMES)
        lines.append(
            f"    {iso3} {member['last_vote']:<7} {member['p_change']:.2f}       {probs:<25}  "
            f"{display_name(member['country'])}"
        )
    return "\n".join(lines)


def signed_range(bounds: Sequence[int]) -> str:
    """A range of signed changes: ``-23 to -15``, ``+2 to +7``, ``-1 to +8``."""
    return " to ".join(f"{b:+d}" if b else "0" for b in bounds)


def percentile(p: float) -> str:
    """A percentile for a narrow column: ``25.3 %``, ``0.03 %``, ``<0.01 %``, ``>99.99 %``."""
    if p < 0.00005:
        return "<0.01 %"
    if p > 0.99995:
        return ">99.99 %"
    return f"{100 * p:.2f} %" if p < 0.01 or p > 0.99 else f"{100 * p:.1f} %"


def format_retrospective(fc: Any, top: int) -> str:
    """The recorded vote against the forecasts of the day before, at most 80 columns wide."""
    from unvote.record.countries import display_name

    retro = fc.retrospective
    key, wide = level_key(LEVELS[0]), level_key(LEVELS[-1])
    recorded = int(retro.recorded["yes"])
    base = f"the {retro.baseline} forecast"

    def row(label: str, cells: Sequence[Any]) -> str:
        return f"  {label:<16}" + "".join(f"{c:>12}" for c in cells)

    def note(text: str) -> str:
        return wrap_note("  " + text).replace("\n  ", "\n    ")

    moved = retro.moved
    lines = [
        f"retrospective: the recorded {fc.year} vote against the forecasts of "
        + ("the day before" if (fc.date - fc.through).days == 1 else f"{fc.through:%Y-%m-%d}"),
        row(f"vs {retro.baseline}", OUTCOMES),
        row("expected", [count(moved.loc[o, "expected"]) for o in OUTCOMES]),
        row("recorded", [int(moved.loc[o, "recorded"]) for o in OUTCOMES]),
        row("change", [signed(moved.loc[o, "change"]) for o in OUTCOMES]),
    ]
    for level in LEVELS:
        k = level_key(level)
        bounds = [(moved.loc[o, f"change_lo{k}"], moved.loc[o, f"change_hi{k}"]) for o in OUTCOMES]
        lines.append(row(f"{k} % interval", [signed_range(b) for b in bounds]))
    intervals = retro.votes_moved_intervals
    lo, hi = intervals[wide]
    verdict = (
        f"within what {base}'s own randomness allows (0 is inside its {wide} % interval)"
        if lo <= 0 <= hi
        else f"more than {base}'s own randomness explains (0 is outside its {wide} % interval)"
    )
    lines += [
        note(
            f"votes moved off yes: {retro.votes_moved + 0.0:.1f} ({key} % interval "
            f"{' to '.join(map(str, intervals[key]))}, {wide} % {lo} to {hi}), {verdict}"
        ),
        f"  the recorded {recorded} yes in each scenario's distribution:",
        f"    {'scenario':<18} {'expected':>8} {key + ' % int.':>11} {'percentile':>11} "
        f"{'log score':>9} {'log loss':>8}",
    ]
    for name, s in retro.summary.iterrows():
        bounds = count_range((int(s[f"yes_lo{key}"]), int(s[f"yes_hi{key}"])))
        lines.append(
            f"    {name:<18} {s['expected_yes'] + 0.0:>8.1f} {bounds:>11} "
            f"{percentile(s['percentile']):>11} {s['log_score'] + 0.0:>9.2f} "
            f"{s['member_log_loss'] + 0.0:>8.3f}"
        )
    lines.append(
        note(
            f"(percentile: P(yes < {recorded}) + P(yes = {recorded}) / 2; log score: "
            f"ln P(yes = {recorded}), higher is better; log loss: mean of -ln P(recorded vote) "
            "over the members, lower is better)"
        )
    )
    n = len(retro.movers)
    said = (
        f"voted otherwise than {base} expected: {n} member{'' if n == 1 else 's'} "
        f"({retro.expected_movers:.1f} expected)"
    )
    if n and top:
        said += f"; the most surprising (surprise: -ln P(recorded vote) under {base}):"
    lines.append(note(said))
    if n and top:
        lines.append(f"    ISO {'vote':<7} {'last':<7} {'P yes/abst/no/absent':<20} surp.  member")
        for iso3, m in retro.movers.head(top).iterrows():
            probs = "/".join(f"{m[f'p_{o}']:.2f}" for o in OUTCOMES)
            lines.append(
                f"    {iso3} {m['recorded']:<7} {m['last_vote']:<7} {probs:<20} "
                f"{m['surprise']:>5.2f}  {display_name(m['country'])}"
            )
    return "\n".join(lines)


def format_country(fc: Any, iso3: str) -> str:
    """One member under every scenario: its probabilities and the channels acting on it."""
    member = fc.member(iso3)
    lines = [
        f"{member['country']} ({iso3}), last vote {member['last_vote']}",
        f"  {'scenario':<18} {'P(yes/abstain/no/absent)':<31}  channels",
    ]
    for name, values in member["scenarios"].items():
        probs = " / ".join(f"{values[f'p_{o}']:.3f}" for o in OUTCOMES)
        acting = ", ".join(values["channels"]) or "-"  # named as in the scenario file
        lines.append(f"  {name:<18} {probs:<31}  {acting}")
    return "\n".join(lines)


_SHORT = {
    "member-votes": "member-votes",
    "log loss": "log loss",
    "log loss / item Markov": "x Markov",
    "Brier": "Brier",
    "RPS": "RPS",
    "accuracy": "accuracy",
    "macro-F1": "macro-F1",
    "F1 abstain": "F1 abstain",
    "F1 no": "F1 no",
    "F1 absent": "F1 absent",
    "yes count error (expected - recorded)": "yes err.",
    "80 % interval hit (% of roll calls)": "in 80 %",
    "95 % interval hit (% of roll calls)": "in 95 %",
    "80 % interval width": "80 % wide",
}
"""Short headings of the evaluation tables printed by the command (the README shows them)."""


def format_scores(table: Any) -> list[str]:
    """A summary table of :mod:`unvote.evaluation.runs` as aligned text lines."""
    columns = [c for c in table.columns if c in _SHORT]

    def cell(column: str, value: float) -> str:
        if value != value:  # NaN: a score that does not exist
            return "-"
        if column.startswith(("80 % interval hit", "95 % interval hit")):
            return f"{value:.0f} %"
        if column.startswith("yes count error"):
            return signed(value)
        if column == "member-votes":
            return f"{value:,.0f}"
        if column == "80 % interval width":
            return f"{value:.1f}"
        return f"{value:.3f}"

    cells = {_SHORT[c]: [cell(c, v) for v in table[c]] for c in columns}
    width = max(len(m) for m in table.index) + 2
    widths = {h: max(len(h), *(len(v) for v in vs)) + 2 for h, vs in cells.items()}
    lines = ["method".ljust(width) + "".join(h.rjust(widths[h]) for h in cells)]
    for k, method in enumerate(table.index):
        lines.append(method.ljust(width) + "".join(cells[h][k].rjust(widths[h]) for h in cells))
    return lines


_SCORE_NOTES = [
    "Means per member-vote: log loss, Brier and RPS (ranked probability score) lower is",
    "  better; accuracy, macro-F1 and F1 of the outcome called (a baseline: its likeliest;",
    "  the model: by its decision weights). yes err.: expected minus recorded yes count",
    "  (negative: fewer yes votes forecast than cast). in 80 % / in 95 %:",
    "  share of the votes whose recorded yes count fell in the central 80 % / 95 % interval;",
    "  80 % wide: its mean width.",
]


def format_backtest(result: Any) -> str:
    """The backtest's summary as the README's table, with what each column means."""
    years = result.years
    return "\n".join(
        [
            f"Backtest of {result.item}, {years[0]}-{years[-1]}: {len(years)} votes, each "
            "forecast from the votes before it.",
            "",
            *format_scores(result.summary()),
            "",
            *_SCORE_NOTES,
        ]
    )


def format_forward_test(result: Any) -> str:
    """The forward test's tables: both footings, linked and new texts, UNSim's figures."""
    first, last = result.sessions
    blocks = [
        f"Forward test, sessions {first}-{last}: every roll call forecast by the model fitted on "
        "the sessions before its own, against baselines on the same member-votes.",
    ]
    footings = sorted(set(result.predictions["footing"]))
    for footing in footings:
        what = (
            "features as of the session's opening"
            if footing == "frozen"
            else "features as of the day before each vote"
        )
        blocks.append(
            f"\n{footing} ({what}):\n" + "\n".join(format_scores(result.summary(footing)))
        )
        for linked, label in ((True, "texts voted on before"), (False, "new texts")):
            table = result.summary(footing, linked=linked)
            blocks.append(f"  {footing}, {label}:\n" + "\n".join(format_scores(table)))
    if first <= 74:
        unsim = result.unsim(footings[0])
        lines = [
            f"{m:<28}{r['accuracy']:>10.3f}{r['F1 no']:>8.3f}{r['F1 abstain']:>12.3f}"
            for m, r in unsim.iterrows()
        ]
        blocks.append(
            "\nUNSim's published figures (sessions 60-74, in-sample, absences left out) beside "
            "ours on the same slice:\n"
            + f"{'':<28}{'accuracy':>10}{'F1 no':>8}{'F1 abstain':>12}\n"
            + "\n".join(lines)
        )
    blocks.append("\n" + "\n".join(_SCORE_NOTES))
    return "\n".join(blocks)


def format_roll_calls(result: Any) -> str:
    """Coming roll calls as a block of text each."""
    blocks = [
        f"Forecasts of {len(result)} coming roll call(s), record through {result.through:%Y-%m-%d}."
    ]
    for rc in result:
        text = "new text (no earlier recorded vote)" if not rc.linked else f"continues {rc.item}"
        lines = textwrap.wrap(
            f"{rc.id} ({rc.date:%Y-%m-%d}): {rc.title}", width=80, subsequent_indent="  "
        )
        lines.append(f"  {text}")
        lines.append(f"  {'':<18}" + "".join(f"{o:>10}" for o in OUTCOMES))
        lines.append(
            f"  {'expected':<18}" + "".join(f"{rc.expected[o] + 0.0:>10.1f}" for o in OUTCOMES)
        )
        for level in LEVELS:
            key = level_key(level)
            cells = "".join(f"{count_range(rc.intervals[key][o]):>10}" for o in OUTCOMES)
            lines.append(f"  {key + ' % interval':<18}{cells}")
        lines.append(
            f"  P(adopted, simple majority) {probability(rc.p_adopted)};  P(two-thirds majority) "
            f"{probability(rc.p_two_thirds)}"
        )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def format_forecast(
    fc: Any,
    top: int,
    thresholds: Sequence[int],
    draws: Any = None,
    countries: Sequence[str] = (),
) -> str:
    """One vote: the header, the members asked for, each scenario, the retrospective."""
    first, last = fc.model.train_sessions_
    header = (
        f"Forecast of the {fc.year} UN General Assembly vote on {fc.item.phrase} "
        f"({'held' if fc.roll_call else 'expected around'} {fc.date:%Y-%m-%d})\n"
        f"{fc.members} members; record through {fc.through:%Y-%m-%d}; "
        f"model fitted on sessions {first}-{last}."
    )
    if fc.item.first_voted_after_consensus:
        header += f"\nThe text was {fc.item.first_voted_after_consensus}."
    blocks = [format_country(fc, code) for code in countries]
    blocks += [
        format_scenario(fc, name, top, draws[name] if draws else None, thresholds)
        for name in fc.scenarios
    ]
    skipped = "\n".join(f"skipped {name}: {reason}" for name, reason in fc.skipped.items())
    blocks += [skipped] if skipped else []
    if top and fc.scenarios:
        blocks.append(format_likely_to_change(next(iter(fc.scenarios.values())), top))
    if fc.retrospective is not None:  # a vote in the record: what the outcome says, last
        blocks.append(format_retrospective(fc, top))
    return "\n\n".join([header, *blocks])


def format_draws_note(draws: Any, path: Any, size: int) -> str:
    """The line saying where the draws went, how many and how large."""
    return (
        f"draws: {len(draws)} scenarios x {draws.n:,} draws in {path} "
        f"({file_size(size)}; member columns: 0 yes, 1 abstain, 2 no, 3 absent)"
    )


def format_status(table: Any) -> str:
    """:func:`unvote.record.store.data_status` as a small table."""
    import pandas as pd

    def cell(value: Any, date: bool = False) -> str:
        if pd.isna(value):
            return "-"
        return f"{value:%Y-%m-%d}" if date else f"{int(value):,}"

    lines = [
        f"{'':<15}{'roll calls':>11}{'resolutions':>13}{'files':>7}  {'last vote':<11} location"
    ]
    for part, row in table.iterrows():
        lines.append(
            f"{part:<15}{cell(row['roll_calls']):>11}{cell(row['resolutions']):>13}"
            f"{cell(row['files']) if part != 'shipped' else '-':>7}  "
            f"{cell(row['last_vote'], date=True):<11} {row['location']}".rstrip()
        )
    return "\n".join(lines)


def status_json(table: Any) -> str:
    import pandas as pd

    data = {}
    for part, row in table.iterrows():
        data[part] = {
            "roll_calls": None if pd.isna(row["roll_calls"]) else int(row["roll_calls"]),
            "resolutions": None if pd.isna(row["resolutions"]) else int(row["resolutions"]),
            "files": int(row["files"]),
            "last_vote": None if pd.isna(row["last_vote"]) else f"{row['last_vote']:%Y-%m-%d}",
            "location": row["location"],
        }
    return json.dumps(data, allow_nan=False)


def list_scenarios(as_json: bool = False) -> str:
    """The built-in scenarios by generation, newest first, and the folder holding their files.

    A forecast of a vote uses the newest generation whose evidence ends before the vote.
    """
    from unvote.scenarios.scenario import builtin_generations, read_scenario, seed_dir

    generations = builtin_generations()
    blocks, entries = [], []
    for k, generation in enumerate(generations):
        day = f"{generation.evidence_through:%Y-%m-%d}"
        if k == 0:
            applies = f"votes after {day}"
        else:
            newer = f"{generations[k - 1].evidence_through:%Y-%m-%d}"
            # The earliest generation also serves earlier votes (a what-if).
            applies = f"votes on or before {newer}"
            if k < len(generations) - 1:
                applies = f"votes after {day} up to {newer}"
        scenarios = [read_scenario(generation.folder / f"{n}.toml") for n in generation.names]
        where = generation.folder.relative_to(seed_dir()).as_posix()
        folder = "" if where == "." else f", files in {where}/"
        lines = [f"For {applies} (evidence through {day}{folder}):"]
        lines += [f"{s.name:<18} {s.description}" for s in scenarios]
        blocks.append("\n".join(lines))
        entries.append(
            {
                "evidence_through": day,
                "applies_to": applies,
                "folder": str(generation.folder),
                "scenarios": [
                    {"name": s.name, "description": s.description, "file": s.path}
                    for s in scenarios
                ],
            }
        )
    if as_json:
        return json.dumps(
            {
                "folder": str(seed_dir()),
                "scenarios": entries[0]["scenarios"],
                "generations": entries,
            },
            allow_nan=False,
        )
    blocks.append(f"Files (copy one as a template for your own): {seed_dir()}")
    return "\n\n".join(blocks)
