"""Turn the raw lines of one section into clean text.

PDF extraction leaves every visual line as its own line, justified with runs of spaces, and
sometimes a blank line between every two lines. Readers need paragraphs, list items one per
line and table rows one per line; search needs words joined back. The join/break decision
uses only what the layout tells us: line width, final punctuation, list markers, the case of
the next line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from compendium.records import Line
from compendium.taxonomy import Taxonomy
from compendium.textnorm import collapse_spaces, fold

_LIST_MARKER = re.compile(r"^(?:[-–—•·▪◦*]\s*|\(?[a-zA-Z]\)\s|\(?\d{1,2}[.)]\s|[ivxIVX]{1,4}[.)]\s)")
_WORD = re.compile(r"\w+")
_TRAILING_WORD = re.compile(r"\w+$")
_TERMINAL = re.compile(r"[.!?;:…][\"”»')\]]*$")
_TABLE_ROW = re.compile(r"^\S.{0,60}?\s\d[\d.,]*$")
# Searched for within the line's last word only (an address has no spaces); the e-mail case
# is checked by hand: as a regex, "\S+@\S+\.\w+$" backtracks over every "@" of a long word.
_WEB_ADDRESS = re.compile(r"https?://\S|www\.\S")
_WORD_CHARS = re.compile(r"\w+")
_TEMPLATE_IMPERATIVE = re.compile(
    r"^(?:explicar|explain|expliquer|describir|describe|decrire|descrever|indicar|indicate|"
    r"indiquer|mencionar|mention|mentionner)\b[^\n.]{0,240}\.(?=\s*\n)"
)
# Enough of a section's start for the imperative pattern: a verb, 240 characters, a period and
# the spaces before the line break.
_IMPERATIVE_SPAN = 4096
# A heading or list item never ends with one of these: a line that does is wrapped mid-phrase.
_FUNCTION_WORDS = frozenset(
    """de del la las el los y e o u a al en con por para que se su sus un una como entre sin
    sobre ante the an of and or to in on for with by from as at that le les des du une et ou
    au aux pour par avec sur dans qui do da dos das em no na nos nas um uma ao aos pela pelo
    com""".split()
)
_SENTENCE_OPENERS = frozenset(
    "el la los las un una the a an le les une o os as um uma este esta these this".split()
)
# Below this share of the typical line width a line is short: a heading, a list item, the
# last line of a paragraph.
_SHORT_LINE = 0.85


@dataclass(frozen=True)
class CleanText:
    """Cleaned section text, page of every character (compressed), and what was dropped."""

    text: str
    page_starts: tuple[tuple[int, int], ...]
    removed: tuple[str, ...]


def typical_width(lines: list[Line]) -> int:
    """Width of a full line in this block of text: the 90th percentile of line lengths."""
    lengths = sorted(len(line.text.strip()) for line in lines if line.text.strip())
    if not lengths:
        return 0
    return lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]


def clean_lines(
    lines: list[Line],
    taxonomy: Taxonomy,
    width: int | None = None,
    vocabulary: frozenset[str] = frozenset(),
) -> CleanText:
    """Rebuild paragraphs from ``lines`` and drop template instructions.

    ``vocabulary`` (folded words of the whole card) tells a word hyphenated at a line break
    ("coope-" / "rativas", joined because "cooperativas" occurs elsewhere) from a compound that
    keeps its hyphen ("socio-" / "económico").
    """
    content = [line for line in lines if line.text.strip()]
    if not content:
        return CleanText(text="", page_starts=(), removed=())
    width = width or typical_width(content)
    chars: list[str] = []
    pages: list[int | None] = []
    for index, line in enumerate(content):
        piece = collapse_spaces(line.text)
        if index > 0:
            previous = content[index - 1]
            if _breaks_between(previous, line, width):
                separator = "\n"
            elif (
                chars and chars[-1] == "-" and piece[:1].islower() and len(chars) > 1 and chars[-2].isalpha()
            ):
                separator = ""  # a word broken at the line end: "socio-" + "económico"
                if _hyphen_is_a_break(chars, piece, vocabulary):
                    chars.pop()
                    pages.pop()
            else:
                separator = " "
            chars.extend(separator)
            pages.extend([line.page] * len(separator))
        chars.extend(piece)
        pages.extend([line.page] * len(piece))
    text = "".join(chars)
    text, pages, removed = _drop_instructions(text, pages, taxonomy)
    text, pages = _tidy(text, pages)
    return CleanText(text=text, page_starts=_compress(pages), removed=tuple(removed))


def words_of(text: str) -> frozenset[str]:
    """Folded words of ``text``: the vocabulary :func:`clean_lines` checks hyphen breaks against."""
    return frozenset(_WORD.findall(fold(text)))


def _hyphen_is_a_break(chars: list[str], piece: str, vocabulary: frozenset[str]) -> bool:
    head = _TRAILING_WORD.search("".join(chars[-40:-1]))
    tail = _WORD.match(fold(piece))
    if head is None or tail is None:
        return False
    return fold(head.group(0)) + tail.group(0) in vocabulary


def _breaks_between(previous: Line, line: Line, width: int) -> bool:
    prev_text = previous.text.strip()
    next_text = line.text.strip()
    if _LIST_MARKER.match(next_text):
        return True
    short = len(prev_text) < _SHORT_LINE * width
    if short and _TABLE_ROW.match(collapse_spaces(prev_text)):
        return True
    if _ends_with_address(prev_text):
        return True
    first = next_text[0]
    starts_low = first.islower()
    if _TERMINAL.search(prev_text):
        return not starts_low
    if starts_low:
        return False
    last_word = fold(prev_text.rsplit(None, 1)[-1])
    if prev_text.endswith((",", "-", "–")) or last_word in _FUNCTION_WORDS:
        return False
    # A leading space before a capital marks a list item whose bullet glyph was lost.
    if line.text[:1].isspace():
        return True
    # A capitalised article opens a sentence: the line before was a heading, not a wrap.
    if fold(next_text.split(None, 1)[0]) in _SENTENCE_OPENERS:
        return True
    return short


def _ends_with_address(text: str) -> bool:
    """Whether ``text`` ends with an e-mail or web address (a line that must not be joined)."""
    word = text.rsplit(None, 1)[-1] if text.strip() else ""
    if _WEB_ADDRESS.search(word):
        return True
    # "name@host.tld": an "@" after the first character, something, a last "." then letters.
    dot = word.rfind(".")
    at = word.find("@", 1)
    return 0 < at < dot - 1 and _WORD_CHARS.fullmatch(word, dot + 1) is not None


def _drop_instructions(
    text: str, pages: list[int | None], taxonomy: Taxonomy
) -> tuple[str, list[int | None], list[str]]:
    hits = taxonomy.find_instructions(text)
    removed = [printed for _start, _end, printed in reversed(hits)]
    text, pages = _delete_all(text, pages, [(start, end) for start, end, _printed in hits])
    # Instructions not in the table, in the template's voice ("Describir…", "Explain…"),
    # sitting alone at the top of a section (the pattern reads at most 260 characters).
    leading = _TEMPLATE_IMPERATIVE.match(fold(text.lstrip()[:_IMPERATIVE_SPAN]))
    if leading:
        offset = len(text) - len(text.lstrip())
        end = offset + leading.end()
        removed.append(" ".join(text[offset:end].split()))
        text, pages = _delete(text, pages, offset, end)
    return text, pages, removed


def _tidy(text: str, pages: list[int | None]) -> tuple[str, list[int | None]]:
    """Strip the ends and every line, and drop empty lines, keeping pages aligned."""
    kept_chars: list[str] = []
    kept_pages: list[int | None] = []
    line_start = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            begin = line_start + lead
            if kept_chars:
                kept_chars.append("\n")
                kept_pages.append(pages[begin])
            kept_chars.extend(stripped)
            kept_pages.extend(pages[begin : begin + len(stripped)])
        line_start += len(line) + 1
    return "".join(kept_chars), kept_pages


def _delete(text: str, pages: list[int | None], start: int, end: int) -> tuple[str, list[int | None]]:
    return text[:start] + text[end:], pages[:start] + pages[end:]


def _delete_all(
    text: str, pages: list[int | None], spans: list[tuple[int, int]]
) -> tuple[str, list[int | None]]:
    """``text`` and ``pages`` without the sorted, disjoint ``spans``, in one pass (deleting
    them one by one copies the text once per span)."""
    if not spans:
        return text, pages
    kept_text: list[str] = []
    kept_pages: list[int | None] = []
    position = 0
    for start, end in spans:
        kept_text.append(text[position:start])
        kept_pages.extend(pages[position:start])
        position = end
    kept_text.append(text[position:])
    kept_pages.extend(pages[position:])
    return "".join(kept_text), kept_pages


def _compress(pages: list[int | None]) -> tuple[tuple[int, int], ...]:
    starts: list[tuple[int, int]] = []
    current: int | None = None
    for offset, page in enumerate(pages):
        if page is not None and page != current:
            starts.append((offset, page))
            current = page
    return tuple(starts)
