"""The editor in a real browser: Playwright driving Debian's Chromium (never a downloaded one).

The sample article in corpus/ is aligned by the real command; in the editor its dateline's
bead is merged with the next one, split back, another bead confirmed, and the corrections
saved, once with the mouse and once with the keyboard; then the CSV and TMX on disk are read.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from lxml import etree
from review_helpers import serving

from aligner.cli import main

ROOT = Path(__file__).parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT_COPY = Path("/tmp/ruzh-review-screenshot.png")
DATELINE = "МОСКВА, 4 фев - CRMtv."
DOC = "002_9e5125a431169a21"
CONFIRMED = "Об этом во вторник сообщил помощник российского лидера по внешнеполитическим " \
            "вопросам Юрий Ушаков."

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")]


@pytest.fixture(scope="module")
def aligned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    assert main(["run", str(ROOT / "corpus"), "-o", str(out), "--no-progress"]) == 0
    return out


@pytest.fixture
def out_dir(aligned: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(aligned, tmp_path / "out"))


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--headless", "--disable-gpu",
                  "--disable-background-networking"])
        yield chromium
        chromium.close()


def csv_rows(out_dir: Path) -> list[dict[str, str]]:
    with (out_dir / "aligned.csv").open(encoding="utf-8", newline="") as stream:
        return [row for row in csv.DictReader(stream) if row["doc"] == DOC]


def tmx_units(out_dir: Path) -> list[dict[str, str]]:
    root = etree.parse(str(out_dir / "aligned.tmx")).getroot()
    units = []
    for tu in root.iter("tu"):
        unit = {prop.get("type"): prop.text for prop in tu.findall("prop")}
        unit["ru"] = tu.find("tuv[1]/seg").text
        units.append(unit)
    return units


def open_editor(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    return page, errors


def bead_of(page, text: str):
    return page.locator(".bead", has=page.locator(".sentence", has_text=text)).first


def check_saved(out_dir: Path, before: list[dict[str, str]]) -> None:
    """What the three corrections must have left in the CSV, TMX and corrections store."""
    rows = csv_rows(out_dir)
    assert len(rows) == len(before)  # merged and split back: the same beads, nothing lost
    assert [(r["ru_text"], r["zh_text"]) for r in rows] == [
        (r["ru_text"], r["zh_text"]) for r in before]
    at = next(k for k, row in enumerate(rows) if row["ru_text"] == DATELINE)
    assert (rows[at]["type"], rows[at]["status"]) == ("1-1", "edited")
    assert rows[at]["zh_text"] == before[at]["zh_text"]
    # split back into the beads the aligner had found: they keep the aligner's scores
    assert rows[at]["score"] == before[at]["score"] != ""
    assert rows[at + 1]["status"] == "edited"
    confirmed = next(row for row in rows if row["ru_text"] == CONFIRMED)
    assert confirmed["status"] == "confirmed"
    assert confirmed["score"] == next(r["score"] for r in before if r["ru_text"] == CONFIRMED)
    statuses = {row["status"] for k, row in enumerate(rows)
                if k not in (at, at + 1) and row["ru_text"] != CONFIRMED}
    assert statuses == {"auto"}
    units = {unit["ru"]: unit for unit in tmx_units(out_dir) if unit["x-doc"] == DOC}
    assert units[DATELINE]["x-status"] == "edited"
    assert units[DATELINE]["x-score"] == before[at]["score"]
    assert units[CONFIRMED]["x-status"] == "confirmed"
    assert units[CONFIRMED]["x-score"] == confirmed["score"]
    store = json.loads((out_dir / "corrections.json").read_text(encoding="utf-8"))
    assert [bead["status"] for bead in store["documents"][DOC]] == ["edited", "edited",
                                                                    "confirmed"]
    assert store["documents"][DOC][0]["ru"][0]["text"] == DATELINE


def test_editor_with_the_mouse(browser, out_dir: Path) -> None:
    before = csv_rows(out_dir)
    with serving(out_dir) as server:
        page, errors = open_editor(browser, server.url)
        dateline = bead_of(page, DATELINE)
        bead_id = dateline.get_attribute("data-bead")
        assert bead_id.startswith(f"{DOC}/ru:")
        assert dateline.get_attribute("data-type") == "1-1"
        assert dateline.get_attribute("data-status") == "auto"
        following = page.locator(f'[data-bead="{bead_id}"] + .bead')
        next_text = following.locator(".side.ru .sentence").first.inner_text()
        next_id = following.get_attribute("data-bead")

        dateline.locator(".side.ru .sentence").first.click()
        page.click('[data-action="merge-next"]')
        merged = page.locator(f'[data-bead="{bead_id}"]')
        assert merged.get_attribute("data-type") == "2-2"
        assert merged.get_attribute("data-status") == "edited"
        assert page.locator(f'[data-bead="{next_id}"]').count() == 0

        merged.locator(".side.ru .sentence", has_text=next_text).click()
        page.click('[data-action="split"]')
        assert page.locator(f'[data-bead="{bead_id}"]').get_attribute("data-type") == "1-1"
        assert page.locator(f'[data-bead="{next_id}"]').get_attribute("data-type") == "1-1"

        bead_of(page, CONFIRMED).locator(".side.zh").click()
        page.click('[data-action="confirm"]')
        assert bead_of(page, CONFIRMED).get_attribute("data-status") == "confirmed"
        page.screenshot(path=str(SCREENSHOT_COPY))

        page.click('[data-action="save"]')
        page.wait_for_selector("body[data-saved='1']", timeout=30_000)
        assert "Saved" in page.locator("#message").inner_text()
        assert errors == []
    check_saved(out_dir, before)


def test_editor_with_the_keyboard(browser, out_dir: Path) -> None:
    before = csv_rows(out_dir)
    with serving(out_dir) as server:
        page, errors = open_editor(browser, server.url)
        dateline_at = int(bead_of(page, DATELINE).get_attribute("data-index"))
        confirmed_at = int(bead_of(page, CONFIRMED).get_attribute("data-index"))
        assert confirmed_at > dateline_at + 1
        for _ in range(dateline_at):
            page.keyboard.press("j")
        assert page.locator(".bead.cursor").get_attribute("data-index") == str(dateline_at)
        page.keyboard.press("m")
        assert page.locator(".bead.cursor").get_attribute("data-type") == "2-2"
        page.keyboard.press("l")  # the second Russian sentence of the merged bead
        page.keyboard.press("s")
        assert page.locator(f'.bead[data-index="{dateline_at}"]').get_attribute(
            "data-type") == "1-1"
        page.keyboard.press("Control+z")  # undo the split, then redo it
        assert page.locator(f'.bead[data-index="{dateline_at}"]').get_attribute(
            "data-type") == "2-2"
        page.keyboard.press("Control+y")
        cursor = int(page.locator(".bead.cursor").get_attribute("data-index"))
        for _ in range(confirmed_at - cursor):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("c")
        assert bead_of(page, CONFIRMED).get_attribute("data-status") == "confirmed"
        page.keyboard.press("Control+s")
        page.wait_for_selector("body[data-saved='1']", timeout=30_000)
        assert errors == []
    check_saved(out_dir, before)


def test_the_page_refuses_an_operation_that_would_lose_a_sentence(browser, out_dir: Path
                                                                 ) -> None:
    with serving(out_dir) as server:
        page, _ = open_editor(browser, server.url)
        first = page.locator(".bead").first
        first.locator(".sentence").first.click()
        page.click('[data-action="split"]')  # a bead cannot be split at its first sentence
        assert page.locator("#message.error").count() == 1
        assert page.locator(".bead").first.get_attribute("data-bead") == first.get_attribute(
            "data-bead")
        assert page.locator("[data-action]").evaluate_all(
            "nodes => nodes.map(n => n.dataset.action)") == [
            "save", "merge-next", "split", "shift-prev", "shift-next", "unalign", "confirm",
            "confirm-above", "undo", "redo", "next-problem"]


def test_shift_unalign_confirm_above_and_next_problem(browser, out_dir: Path) -> None:
    with serving(out_dir) as server:
        page, errors = open_editor(browser, server.url)
        sentences = page.locator("#beads .sentence").count()
        d = int(bead_of(page, DATELINE).get_attribute("data-index"))

        def types() -> list[str]:
            return [page.locator(f'.bead[data-index="{k}"]').get_attribute("data-type")
                    for k in (d - 1, d, d + 1)]

        original = types()
        assert original[1] == "1-1"
        bead_of(page, DATELINE).locator(".side.zh .sentence").click()
        page.keyboard.press("[")  # its Chinese sentence joins the bead above
        assert types()[:2] == [f"{original[0][0]}-{int(original[0][2]) + 1}", "1-0"]
        page.keyboard.press("z")
        assert types() == original
        bead_of(page, DATELINE).locator(".side.zh .sentence").click()
        page.click('[data-action="shift-next"]')  # ... or the bead below
        assert types()[1:] == ["1-0", f"{original[2][0]}-{int(original[2][2]) + 1}"]
        page.click('[data-action="undo"]')
        bead_of(page, DATELINE).locator(".side.ru .sentence").click()
        page.keyboard.press("u")
        assert [page.locator(f'.bead[data-index="{k}"]').get_attribute("data-type")
                for k in (d, d + 1)] == ["1-0", "0-1"]
        assert page.locator("#beads .sentence").count() == sentences
        page.keyboard.press("z")
        assert types() == original

        bead_of(page, DATELINE).click()
        page.keyboard.press("Shift+C")
        statuses = page.locator("#beads .bead").evaluate_all(
            "nodes => nodes.map(n => n.dataset.status)")
        assert statuses[:d] == ["confirmed"] * d
        assert set(statuses[d:]) == {"auto"}

        page.keyboard.press("n")
        problem = page.locator(".bead.cursor")
        assert int(problem.get_attribute("data-index")) > d
        assert problem.get_attribute("data-type") != "1-1" or "low" in problem.get_attribute(
            "class")
        assert page.locator("#beads .sentence").count() == sentences
        assert errors == []
