"""The page's own CSS and the few lines of JavaScript its events run in the browser.

Kept apart from :mod:`compendium.views` (HTML as pure functions of records) so the styles can
be read as one sheet; nothing here touches corpus text.
"""

from __future__ import annotations

STYLE = """
/* Contrast AA: the default theme's orange accent (2.8:1 on white) and its grey placeholders and
   footer (1.9:1) are too faint; these are the theme's own variables, darkened. */
.gradio-container {
  --color-accent: #1d4f91;
  --color-accent-soft: #e8eef7;
  --border-color-accent: #1d4f91;
  --button-primary-background-fill: #1d4f91;
  --button-primary-background-fill-hover: #163d70;
  --button-primary-border-color: #1d4f91;
  --button-primary-border-color-hover: #163d70;
  --button-primary-text-color: #ffffff;
  --input-placeholder-color: #5f6368;
  --body-text-color-subdued: #555b63;
  --checkbox-background-color-selected: #1d4f91;
  --checkbox-border-color-selected: #1d4f91;
  --slider-color: #1d4f91;
}
#header { flex-wrap: wrap; gap: 4px 16px; align-items: flex-start; }
#title { flex: 1 1 300px; min-width: 0; }
#ui-language { flex: 0 0 auto; width: auto; }
#title h1 { font-size: 1.45em; margin: 0 0 0.15em; }
#title p { margin: 0; }
.status { color: #333; margin: 0.1em 0 0.4em; }
.status p { margin: 0.15em 0; }
.status .incomplete { color: #4a3000; background: #fff4d6; border-left: 4px solid #a36f00; padding: 0.3em 0.6em; }
.status summary { cursor: pointer; color: #1d4f91; width: max-content; }
.status dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 0.3em 0; }
.status dt { font-weight: 600; font-size: inherit; margin: 0; }
.status dd { margin: 0; overflow-wrap: anywhere; }
.examples { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0.2em 0 0.4em; }
.examples-label { color: #333; }
.examples button.action { text-align: left; }
.answer { border-left: 4px solid #1e7a45; padding: 0.5em 0.9em; background: #f3fbf6; }
.answer.weak { border-left-color: #a36f00; background: #fff8ec; }
.answer p { margin: 0 0 0.4em; }
.answer-heading { font-size: 1.1em; margin: 0 0 0.2em; }
.answer .citations { margin: 0.3em 0; }
.marker, .excerpt .rank { font-weight: 600; }
a.marker { color: #1d4f91; text-decoration: underline; }
.quote-lead { font-style: italic; }
.lang-tag { font-size: max(12px, 0.85em); color: #444; border: 1px solid #999; border-radius: 3px; padding: 0 3px; white-space: nowrap; }
.results-heading { font-size: 1.1em; margin: 0.8em 0 0.2em; }
.practice { border: 1px solid #ccc; border-radius: 6px; padding: 0.6em 0.9em; margin: 0.6em 0; }
.practice-head h3 { margin: 0 0 0.2em; }
.practice-meta, .citation { color: #444; font-size: 0.9em; }
.section-original { color: #444; }
.excerpt { margin: 0.5em 0; padding: 0.4em 0.3em 0; border-top: 1px dashed #ccc; scroll-margin-top: 8px; }
.excerpt-text { overflow-wrap: anywhere; }
.excerpt-text mark { background: #fff1a8; color: inherit; }
.excerpt.flash { outline: 3px solid #1d4f91; outline-offset: 2px; }
.actions { margin: 0.3em 0; display: flex; flex-wrap: wrap; gap: 6px; }
button.action { font: inherit; font-size: 0.9em; color: #1d4f91; background: #fff; border: 1px solid #1d4f91;
  border-radius: 4px; padding: 4px 10px; min-height: 32px; cursor: pointer; }
button.action:hover { background: #eef3fa; }
button.action:disabled { color: #1e5b32; border-color: #1e7a45; background: #f3fbf6; cursor: default; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.card-section { margin: 0.8em 0; }
.card-section h3 { font-size: 1.05em; margin: 0 0 0.2em; }
.card-section.is-match { background: #fff9d6; border-left: 4px solid #a36f00; padding: 0.2em 0.6em; scroll-margin-top: 8px; }
.match-badge { font-size: max(12px, 0.85em); font-weight: normal; color: #4a3000; border: 1px solid #a36f00; border-radius: 3px;
  padding: 0 4px; white-space: nowrap; }
.practice-list button.action { border: none; padding: 0; min-height: 0; text-align: left; text-decoration: underline; }
.practice-list { border-collapse: collapse; width: 100%; }
.practice-list td, .practice-list th { border: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
/* A table that is too wide for a phone becomes one block per practice, each cell labelled. */
@media (max-width: 640px) {
  .practice-list thead { display: none; }
  .practice-list, .practice-list tbody, .practice-list tr, .practice-list td { display: block; width: auto; }
  .practice-list tr { border: 1px solid #ddd; border-radius: 6px; margin: 0 0 0.6em; padding: 0.3em 0.5em; }
  .practice-list td { border: none; padding: 2px 0; overflow-wrap: anywhere; }
  .practice-list td::before { content: attr(data-label) ": "; font-weight: 600; font-size: inherit; }
}
"""

#: After a search, bring the answer into view: on a phone it is drawn far below the fold,
#: and a tap on Search would otherwise seem to do nothing. Runs in the browser only.
SCROLL_TO_ANSWER = """() => {
  const target = document.querySelector('#answer-box');
  if (!target) return;
  const top = target.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight * 0.5) target.scrollIntoView({behavior: 'smooth', block: 'start'});
}"""

#: ``js_on_load`` of the HTML blocks that hold buttons and links: a marker [n] scrolls to its
#: passage and marks it; a ``data-action`` button becomes a click event whose data Python
#: checks (:class:`compendium.webapp.Action`), then says it is done ("In the handout ✓").
PAGE_ACTIONS = """
element.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-passage]');
  if (link) {
    event.preventDefault();
    const passage = document.getElementById(link.dataset.passage);
    if (!passage) return;
    passage.scrollIntoView({behavior: 'smooth', block: 'start'});
    passage.focus({preventScroll: true});
    passage.classList.remove('flash');
    void passage.offsetWidth;
    passage.classList.add('flash');
    return;
  }
  const button = event.target.closest('button[data-action]');
  if (!button || button.disabled) return;
  trigger('click', {action: button.dataset.action, target: button.dataset.target || ''});
  if (button.dataset.done) {
    button.textContent = button.dataset.done;
    button.disabled = true;
  }
});
"""

#: ``js_on_load`` of the card view: whenever a card is shown, bring its first matched section
#: (else its top) into view. The card may arrive while its tab is still being shown, so this
#: waits a few frames for it to have a size.
SHOW_CARD = """
watch('value', () => {
  let tries = 20;
  const show = () => {
    const card = element.querySelector('#card-view');
    if (!card) return;
    const target = card.querySelector('.card-section.is-match') || card;
    if (target.getBoundingClientRect().height === 0 && tries-- > 0) return requestAnimationFrame(show);
    target.scrollIntoView({behavior: 'smooth', block: 'start'});
  };
  requestAnimationFrame(show);
});
"""

#: Prepended to the ``js_on_load`` of the blocks whose news a screen reader should read out
#: (the answer, messages, the handout). Set on the block's own element, which stays while its
#: content is replaced: a live region must exist before it changes.
ANNOUNCE = """
element.setAttribute('aria-live', 'polite');
"""

#: After the interface language changes: the page's own language, for screen readers and
#: hyphenation. Runs in the browser only.
SET_PAGE_LANGUAGE = """(lang) => { document.documentElement.lang = lang; }"""

#: On load: this page's colours are drawn for a light background (the answer, the passages,
#: the highlights), so Gradio's dark mode, which follows the system, would leave their text
#: unreadable; the page stays light.
LIGHT_PAGE = """() => {
  const light = () => document.body.classList.remove('dark');
  light();
  new MutationObserver(light).observe(document.body, {attributes: true, attributeFilter: ['class']});
}"""
