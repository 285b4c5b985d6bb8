"""Documentation that cannot drift: the README's commands, the CLI's options, docstrings."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

import unvote
from unvote.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_REFERENCE = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
README_LINES = 250
"""A newcomer reads the README in five minutes; the references are in docs/."""


def first_code_block(text: str) -> list[str]:
    block = text.split("```")[1]
    return [line for line in block.splitlines()[1:] if line.strip()]


def test_readme_opens_with_the_two_commands():
    assert README.startswith("# unvote\n\n```bash\n")
    run, test = first_code_block(README)
    assert run.startswith("python3 -m venv .venv && ") and "forecast 2026 --plot" in run
    assert test.startswith("python3 -m venv .venv && ") and "pytest" in test


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "README.md" in ci and "eval" in ci


def every_parser(parser=None):
    """The ``forecast`` parser and each subcommand's, nested ones too."""
    parser = parser or build_parser()
    yield parser
    for action in parser._actions:
        for sub in getattr(action, "choices", None) or {}:
            if isinstance(action.choices[sub], type(parser)):
                yield from every_parser(action.choices[sub])


def test_the_readme_is_short_and_its_links_resolve():
    assert len(README.splitlines()) <= README_LINES
    for target in re.findall(r"\]\(((?:docs|data|seeds|benchmarks)/[^)#]+)", README):
        assert (ROOT / target).is_file(), target


def test_every_cli_option_is_documented_in_the_cli_reference():
    options = {
        option
        for parser in every_parser()
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    assert options, "the parser has no options?"
    missing = sorted(o for o in options if not re.search(rf"`{re.escape(o)}[\s`]", CLI_REFERENCE))
    assert not missing, f"options missing from docs/cli.md: {missing}"


def test_every_command_is_documented_in_the_readme():
    from unvote.cli.main import COMMANDS

    for name in COMMANDS:
        assert name == "vote" or f"forecast {name}" in README, name


def test_every_data_command_is_documented_in_the_readme():
    from unvote.cli.main import subparser

    parser = subparser(build_parser(), "data")
    commands = next(a for a in parser._actions if a.dest == "action").choices
    assert sorted(commands) == ["import", "reset", "status"]
    for name, sub in commands.items():
        assert f"forecast data {name}" in README, name
        for action in sub._actions:
            assert action.help, (name, action.dest)


def test_every_cli_option_has_help():
    for parser in every_parser():
        for action in parser._actions:
            assert action.help, (parser.prog, action.option_strings or action.dest)


def test_public_functions_and_classes_have_docstrings():
    for name in unvote.__all__:
        item = getattr(unvote, name)
        if inspect.isfunction(item) or inspect.isclass(item):
            assert inspect.getdoc(item), name


def test_changelog_has_an_unreleased_section():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_notebooks_are_stored_executed_without_errors():
    """Their outputs are what a reader sees first: refreshed by scripts/run_notebooks.py."""
    assert len(NOTEBOOKS) == 4
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        counts = [c["execution_count"] for c in code]
        assert counts == list(range(1, len(code) + 1)), f"{path.name}: run scripts/run_notebooks.py"
        errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
        assert not errors, path.name


def test_notebooks_call_the_charts_directly():
    """No chart hidden behind getattr or a blanket try/except: a broken chart must fail."""
    for path in NOTEBOOKS:
        sources = [
            "".join(c["source"])
            for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"
        ]
        for source in sources:
            assert "getattr(plot" not in source, path.name
            assert "except Exception" not in source and "except:" not in source, path.name


def test_the_forecast_notebook_shows_a_newcomers_session():
    cells = json.loads((ROOT / "notebooks" / "02_forecast.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]).strip() for c in cells["cells"] if c["cell_type"] == "code"]
    for line in ("fc", "fc.table()", "fc.model", "backtest.summary()"):
        assert any(source.endswith(line) for source in code), line
    text = " ".join("".join(c["source"]) for c in cells["cells"] if c["cell_type"] == "markdown")
    assert "present and voting" in text and "97" not in text


def test_the_2026_forecast_is_on_record_as_made():
    """Archived to be scored as it stands: its cut-off, its vote and every built-in scenario."""
    path = ROOT / "forecasts" / "ending-the-us-embargo-against-cuba-2026-through-2026-06-04.json"
    data = json.loads(path.read_text(encoding="utf-8"))["forecast"]
    assert (data["year"], data["through"], data["outcome"]) == (2026, "2026-06-04", None)
    assert data["date"] > "2026-06-04"
    assert [s["name"] for s in data["scenarios"]] == ["baseline", "cable", "strong"]
    for scenario in data["scenarios"]:
        assert scenario["campaign"]["evidence_through"] == "2025-10-29"
        assert sum(scenario["expected"].values()) == pytest.approx(data["members"], abs=1e-3)
        low, high = scenario["intervals"]["80"]["yes"]
        assert low <= scenario["expected"]["yes"] <= high
    assert path.name in (ROOT / "forecasts" / "README.md").read_text(encoding="utf-8")


def _readme_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_every_command_line_of_the_readme_is_one_the_command_accepts():
    """Each ``forecast ...`` example parses (types, options, subcommands) as the command does."""
    import shlex

    from unvote.cli.main import COMMANDS

    examples = [
        line.split("#")[0].strip()
        for block in _readme_blocks("bash")
        for line in block.splitlines()
        if line.strip().startswith("forecast ")
    ]
    assert len(examples) >= 15
    for example in examples:
        argv = shlex.split(example)[1:]
        named = argv[0] in COMMANDS
        try:
            build_parser().parse_args(argv if named else ["vote", *argv])
        except SystemExit as exit:  # only help ends parsing, and with success
            assert exit.code == 0, example


def test_the_readme_tour_names_only_what_unvote_has():
    """The tour compiles, and every ``unvote.X`` and ``charts.X`` it calls exists."""
    from unvote.report import charts

    (tour,) = [b for b in _readme_blocks("python") if "unvote.forecast(" in b]
    compile(tour, "README.md", "exec")
    for owner, name in re.findall(r"\b(unvote|charts)\.(\w+)\(", tour):
        assert hasattr(unvote if owner == "unvote" else charts, name), f"{owner}.{name}"
