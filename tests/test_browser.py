"""A real browser session: Debian's Chromium, headless, driven by Playwright.

Ask, read the cited answer, open the practice, collect a passage into the handout, download
the Markdown, and make sure nothing planted in the corpus ever runs as script.
"""

from __future__ import annotations

import os
import shutil

import pytest

from compendium.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
# Without these, Chromium keeps trying to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page(running_app):
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it with apt-get")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,  # Playwright gives every launch a new, empty profile
        )
        context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 1600})
        page = context.new_page()
        page.dialogs = []  # type: ignore[attr-defined]
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        # Gradio keeps a connection open, so the page never goes network-idle: wait for the box.
        page.goto(running_app["url"], wait_until="load")
        page.locator("#query textarea").wait_for(timeout=60_000)
        yield page
        context.close()
        browser.close()


def search(page, question: str) -> None:
    page.get_by_role("tab", name="Search").click()
    box = page.locator("#query textarea")
    box.fill(question)
    page.locator("#search-button").click()


def test_question_answer_card_handout_and_download(page, tmp_path):
    search(page, "¿Cuántas personas atendió Plan Familia hasta diciembre de 2018?")
    answer = page.locator("#answer")
    answer.wait_for(timeout=30_000)
    assert "74.004" in answer.inner_text()
    assert "[1]" in answer.inner_text()
    assert "Carmen Scott Alava" in page.locator("#citation-1").inner_text()
    assert "Resultados" in page.locator("#citation-1").inner_text()
    results = page.locator("#results")
    assert results.locator("mark").count() > 0
    assert "Zona Planificación" in results.inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    page.locator("#open-button").click()
    card = page.locator("#card-view")
    card.wait_for(timeout=15_000)
    assert "Objetivo (s)" in card.inner_text() and "Fondos" in card.inner_text()
    assert card.locator(".card-section.matched").count() >= 1

    page.get_by_role("tab", name="Search").click()
    page.locator("#excerpt-picker input[type=checkbox]").first.check()
    page.locator("#add-selected").click()
    page.get_by_role("tab", name="Handout").click()
    handout = page.locator("#handout-list")
    handout.wait_for(timeout=15_000)
    assert handout.locator("li").count() == 1

    download_button = page.locator("#download-md")
    page.wait_for_function("() => !document.querySelector('#download-md').disabled", timeout=15_000)
    with page.expect_download(timeout=15_000) as info:
        download_button.click()
    target = tmp_path / "handout.md"
    info.value.save_as(str(target))
    markdown = target.read_text(encoding="utf-8")
    assert markdown.startswith("# ") and "## Sources" in markdown
    assert "Carmen Scott Alava" in markdown and "Resultados" in markdown
    page.screenshot(path=str(ARTIFACTS / "handout.png"), full_page=True)


def test_planted_markup_stays_text_and_never_runs(page):
    search(page, "recicladores cooperativas formalizar")
    results = page.locator("#results")
    results.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    text = results.inner_text()
    assert "<script>" in text and "recicladores" in text
    assert page.evaluate("() => window.__xss === undefined")
    assert page.dialogs == []
    assert results.locator("script, img").count() == 0


def test_interface_switches_to_spanish(page):
    page.locator("#ui-language").get_by_text("Español").click()
    page.get_by_role("tab", name="Buscar").wait_for(timeout=10_000)
    assert page.locator("#search-button").inner_text().strip() == "Buscar"
    page.locator("#ui-language").get_by_text("English").click()
    page.get_by_role("tab", name="Search").wait_for(timeout=10_000)
