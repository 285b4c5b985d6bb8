"""The HTML reports: one self-contained page, its numbers those of the JSON, read in a browser.

The page tests parse the HTML; the browser tests open the page that
``forecast 2026 --report`` writes in headless Chromium (Debian's ``chromium``,
driven by Playwright): no console error, no request leaving the file, the
numbers on the page those of ``--json``, nothing wider than the screen and
no two blocks overlapping, on a desk (1280x800) and a phone (390x844).  Their
screenshots are kept in ``test-artifacts/report/``.  Without Chromium they
are skipped, unless ``UNVOTE_REQUIRE_BROWSER`` is set (CI sets it).

``python tests/test_html.py`` writes the README's picture of the report's
first screen (``docs/report-2026.png``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from unvote.forecasting.roll_calls import forecast_roll_calls
from unvote.forecasting.vote import forecast
from unvote.report import text
from unvote.report.html import forecast_page, roll_calls_page, svg
from unvote.scenarios.scenario import Channel, Scenario

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "report"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRE_BROWSER = "UNVOTE_REQUIRE_BROWSER"
VIEWPORTS = {"desk": (1280, 800), "phone": (390, 844)}
SECTIONS = ["scenarios", "distributions", "movers", "members", "campaign", "model"]


class Page(HTMLParser):
    """What a page holds: its tags, the text of each ``data-field`` element, its scripts."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.fields: list[tuple[str, list[str]]] = []
        self.scripts: list[str] = []
        self._open: list[tuple[str, int | None]] = []
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in ("br", "meta", "img", "input", "path", "use"):
            return
        field = attributes.get("data-field")
        if field is not None:
            self.fields.append((field, []))
        self._open.append((tag, None if field is None else len(self.fields) - 1))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, index in self._open:
            if index is not None:
                self.fields[index][1].append(data)
        if self._open and self._open[-1][0] == "script":
            self.scripts.append(data)

    def field_texts(self) -> list[tuple[str, str]]:
        return [(field, "".join(parts).strip()) for field, parts in self.fields]


def _expected_text(data: dict, field: str) -> str:
    """A ``data-field`` path (``scenarios.cable.intervals.80.yes``) read in the JSON, formatted."""
    parts = field.split(".")
    node = data
    for part in parts:
        if isinstance(node, list):
            node = (
                node[int(part)]
                if part.isdigit() and parts[0] == "roll_calls"
                else next(s for s in node if s.get("name") == part)
            )
        else:
            node = node[part]
    if "intervals" in parts:
        return text.count_range(node)
    if parts[-1] in ("p_adopted",) or "prob_yes_below" in parts:
        return text.probability(node)
    return text.count(node)


@pytest.fixture(scope="module")
def fc2025(record):
    return forecast(2025, ["baseline", "cable"], record=record)


@pytest.fixture(scope="module")
def page2025(fc2025) -> str:
    return forecast_page(fc2025)


def test_page_is_self_contained(page2025) -> None:
    parsed = Page(page2025)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"link", "img", "iframe", "object", "embed", "base"}
    for tag, attributes in parsed.tags:
        assert "src" not in attributes, tag  # no script, image or frame from elsewhere
        if tag == "a":
            href = attributes.get("href") or ""
            assert href.startswith(("#", "https://", "http://")), href  # followed only if clicked
    # no font or image fetched by the CSS; the charts' url(#clip) point inside the page
    assert "@import" not in page2025 and not re.findall(r"url\((?!#)", page2025)
    assert len(parsed.scripts) == 1 and len(parsed.scripts[0].strip().splitlines()) <= 20


def test_sections_come_in_the_order_a_reader_needs(page2025) -> None:
    ids = [a.get("id") for tag, a in Page(page2025).tags if tag == "h2" and a.get("id")]
    assert ids == [*SECTIONS, "retrospective"]


def test_numbers_on_the_page_are_those_of_the_json(fc2025, page2025) -> None:
    data = fc2025.to_dict()
    fields = Page(page2025).field_texts()
    # every scenario's expected counts, both intervals, P(adopted) and each P(yes < t)
    assert len(dict(fields)) == 2 * (4 + 2 * 4 + 1 + len(fc2025.thresholds))
    for field, shown in fields:
        assert shown == _expected_text(data, field), field


def test_every_member_has_a_row_and_the_table_sorts(fc2025, page2025) -> None:
    table = page2025.split('id="member-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == fc2025.members + 1  # the heading's row
    assert 'class="sortable"' in page2025.split('id="member-table"')[0][-40:]


def test_text_from_the_record_and_scenarios_is_escaped(record) -> None:
    hostile = Scenario(
        "hostile",
        "<script>alert(1)</script> & co",
        (Channel("eu<b>", "<img src=x onerror=alert(1)>", select={"eu": True}, strength=0.5),),
        sources=("javascript:alert(1)",),
    )
    page = forecast_page(forecast(2025, [hostile], record=record))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert 'href="javascript:' not in page


def test_svg_charts_scale_with_the_page_and_keep_their_ids_apart() -> None:
    def chart(ax):
        ax.plot([0, 1], [0, 1], marker="o")

    one, two = svg((4, 3), chart, "one"), svg((4, 3), chart, "two")
    assert one.startswith("<svg") and 'width="' not in one.split(">")[0]
    assert 'aria-label="one"' in one
    assert not set(re.findall(r'id="([^"]+)"', one)) & set(re.findall(r'id="([^"]+)"', two))


def test_notebook_display_is_the_start_of_the_page(fc2025, page2025) -> None:
    shown = fc2025._repr_html_()
    assert shown.startswith('<div class="unvote-forecast">') and "<body" not in shown
    # its numbers are the page's, from the same template
    assert Page(shown).field_texts() == Page(page2025).field_texts()
    assert ".unvote-forecast" in shown and "\nbody {" not in shown  # its styles stay in its box


def test_a_coming_vote_has_no_retrospective(record) -> None:
    page = forecast_page(forecast(2026, ["baseline"], record=record), top=0)
    ids = [a.get("id") for tag, a in Page(page).tags if tag == "h2" and a.get("id")]
    assert "retrospective" not in ids and "movers" not in ids


def test_roll_calls_page_has_a_row_and_a_section_each(record) -> None:
    import pandas as pd

    calls = pd.DataFrame(
        {
            "id": ["x1", "x2"],
            "date": ["2026-12-04", "2026-12-05"],
            "title": ["Assistance to Palestine refugees", "A new text on <oceans>"],
            "sponsors": ["Egypt; Jordan", "Fiji"],
        }
    )
    result = forecast_roll_calls(calls, record=record)
    page = roll_calls_page(result)
    parsed = Page(page)
    sections = [a["id"] for tag, a in parsed.tags if tag == "section" and a.get("id")]
    assert sections == ["call-1", "call-2"]
    assert "A new text on &lt;oceans&gt;" in page
    data = result.to_dict()
    fields = parsed.field_texts()
    assert len(dict(fields)) == 2 * 5
    for field, shown in fields:
        assert shown == _expected_text(data, field), field


# ------------------------------------------------------------------ in a real browser


def _launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        # As root in a container, without a network: no sandbox, and none of the browser's
        # own calls home (each would be a refused request in the log).
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        message = "needs Chromium (Debian: apt-get install chromium); .ci/run installs it"
        if os.environ.get(REQUIRE_BROWSER):
            pytest.fail(f"{message}, and {REQUIRE_BROWSER} is set", pytrace=False)
        pytest.skip(message)
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = _launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def reported(tmp_path_factory) -> tuple[Path, dict, Path, dict]:
    """``forecast 2026 --json --report`` and ``forecast roll-calls --json --report``, run once."""
    from test_cli import forecast_command, subprocess_run

    folder = tmp_path_factory.mktemp("report")
    page, calls_page = folder / "cuba-2026.html", folder / "coming.html"
    done = subprocess_run([*forecast_command(), "2026", "--json", "--report", str(page)])
    assert done.returncode == 0, done.stderr.decode()
    assert f"report: {page}" in done.stderr.decode()
    coming = folder / "coming.csv"
    coming.write_text(
        "id,date,title,sponsors\n"
        "L.1,2026-12-04,Assistance to Palestine refugees,Egypt; Jordan\n"
        "L.2,2026-12-05,Necessity of ending the economic embargo against Cuba,Cuba\n"
    )
    argv = [*forecast_command(), "roll-calls", str(coming), "--json", "--report", str(calls_page)]
    calls = subprocess_run(argv)
    assert calls.returncode == 0, calls.stderr.decode()
    return page, json.loads(done.stdout), calls_page, json.loads(calls.stdout)


LAYOUT_CHECK = """() => {
  const boxes = [...document.querySelectorAll("h1, h2, h3, p, .card, figure, .scroll, dl, nav")];
  const overlaps = [];
  for (const a of boxes) for (const b of boxes) {
    if (a === b || a.parentElement !== b.parentElement || a.contains(b)) continue;
    const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
    if (r.width && s.width && r.left < s.right - 1 && s.left < r.right - 1
        && r.top < s.bottom - 1 && s.top < r.bottom - 1) overlaps.push(a.outerHTML.slice(0, 60));
  }
  return {width: document.documentElement.scrollWidth, overlaps};
}"""


def _open(browser, path: Path, viewport: str, shot: str | None = None) -> tuple:
    width, height = VIEWPORTS[viewport]
    page = browser.new_page(viewport={"width": width, "height": height})
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    if shot:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{shot}-{viewport}.png")
        page.screenshot(path=ARTIFACTS / f"{shot}-{viewport}-whole.png", full_page=True)
    return page, problems, [u for u in requests if u != path.as_uri()]


def _check_in_browser(browser, path: Path, data: dict, viewport: str, shot: str) -> set[str]:
    """Open the page: no problem, no request, its numbers the JSON's, nothing overlapping."""
    page, problems, requests = _open(browser, path, viewport, shot=shot)
    assert problems == [] and requests == []
    fields = page.eval_on_selector_all(
        "[data-field]", "cells => cells.map(c => [c.dataset.field, c.innerText.trim()])"
    )
    for field, shown in fields:
        assert shown == _expected_text(data, field), field
    layout = page.evaluate(LAYOUT_CHECK)
    assert layout["width"] <= VIEWPORTS[viewport][0], "the page is wider than the screen"
    assert layout["overlaps"] == []
    page.close()
    return {field for field, _ in fields}


@pytest.mark.slow
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_report_in_a_browser(browser, reported, viewport) -> None:
    path, data, _, _ = reported
    fields = _check_in_browser(browser, path, data, viewport, "cuba-2026")
    assert {f"scenarios.{s['name']}.expected.yes" for s in data["scenarios"]} <= fields


@pytest.mark.slow
def test_member_table_sorts_in_a_browser(browser, reported) -> None:
    page, problems, _ = _open(browser, reported[0], "desk")
    heading = page.locator("#member-table th", has_text="P(yes) cable")
    column = page.locator("#member-table th").all_inner_texts().index(heading.inner_text())

    def values() -> list[float]:
        cells = page.locator(f"#member-table tbody td:nth-child({column + 1})").all_inner_texts()
        return [float(v) for v in cells]

    heading.click()
    assert values() == sorted(values())
    heading.press("Enter")
    assert values() == sorted(values(), reverse=True)
    assert problems == []
    page.close()


@pytest.mark.slow
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_roll_calls_report_in_a_browser(browser, reported, viewport) -> None:
    _, _, path, data = reported
    fields = _check_in_browser(browser, path, data, viewport, "roll-calls")
    assert fields >= {"roll_calls.0.p_adopted", "roll_calls.1.expected.yes"}


def write_docs_picture(target: Path = ROOT / "docs" / "report-2026.png") -> Path:
    """The first screen of ``forecast 2026 --report`` on a desk, for the README."""
    from playwright.sync_api import sync_playwright

    from unvote.report.html import write_page

    page_path = ARTIFACTS / "cuba-2026.html"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    write_page(forecast(2026).to_html(), page_path)
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(page_path.as_uri(), wait_until="load")
        page.screenshot(path=target)
        browser.close()
    return target


if __name__ == "__main__":
    print(write_docs_picture())
    sys.exit(subprocess.call(["git", "-C", str(ROOT), "status", "--short", "docs"]))
