"""Lines of one source -> a :class:`Document` of front matter sections and practice cards.

The compendium has a fixed shape: front matter headed "Prefacio"/"Preface"/"Introducción"/…,
part headings ("PARTE IA: …"), then cards. A card is a title block, an author line
"(por …)" / "(by …)" / "(par …)", then labelled sections in template order. Both readers (text
and PDF) hand the same :class:`Line` stream to :func:`parse_lines`, so the two paths cannot
drift apart.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from compendium.cleaning import clean_lines, typical_width, words_of
from compendium.countries import CountryFinder
from compendium.language import LanguageDetector
from compendium.records import Card, Document, Line, Section, SourceText
from compendium.taxonomy import (
    CARD_KEYS,
    FRONT_MATTER_KEYS,
    LABEL_SPAN,
    UNLABELLED_KEY,
    LabelMatch,
    Taxonomy,
    label_words,
    load_taxonomy,
)
from compendium.textnorm import one_line, slugify

_PART_HEADING = re.compile(
    r"^\s*(PARTE|PART|PARTIE)\s+([IVXLC]+[A-Z]?|\d+[A-Z]?)\b\s*[:.\-–—]?", re.IGNORECASE
)
# Matched against the stripped line. The lookahead keeps "\s+" from handing each of its
# spaces in turn to the name that follows (a long run of spaces would be tried 160 ways each).
_AUTHOR_LINE = re.compile(r"\(\s*(?:por|by|par|pelo|pela)\s+(?=\s?[^\s()])([^()]{2,160})\)", re.IGNORECASE)
_MAX_TITLE_LINES = 6
_MAX_PART_LINES = 3
# Labels wrap over at most this many lines in the two-column layout.
_LABEL_LOOKAHEAD = 6
_SHORT_TITLE_MAX = 72
_CLAUSE_BREAK = re.compile(r",\s|:\s|\s[–—-]\s|\s\(|\s(?=a través|through|à travers|por meio)")
# A run of label cells longer than this many lines is no label (the longest has 11 words).
_MAX_LABEL_LINES = 24
# Ways to read a stretch of interleaved lines tried per starting line: real labels need a
# few dozen at most; a hostile run of label-like lines would otherwise need thousands each.
_INTERLEAVE_TRIES = 256
# How much of a label text a warning quotes.
_QUOTED = 160
# Enough of a line to hold its first word.
_HEAD = 48
# Above any printed page number: ``(line, _NO_PAGE)`` sorts after every marker on that line.
_NO_PAGE = 1 << 62


@dataclass(frozen=True)
class Tools:
    """What parsing needs besides the lines: the taxonomy and the two detectors."""

    taxonomy: Taxonomy
    languages: LanguageDetector
    countries: CountryFinder

    @classmethod
    def create(cls) -> Tools:
        """Default tools (the detectors load their models lazily, on first use)."""
        return cls(taxonomy=load_taxonomy(), languages=LanguageDetector(), countries=CountryFinder())

    def warm_up(self) -> None:
        """Load the detectors' models now rather than on the first file (a worker process
        does this before the clock of its first file starts)."""
        self.languages.detect("Las cooperativas organizaron el trabajo de las personas en la ciudad.")
        self.countries.find("Bolivia")


@dataclass
class _OpenSection:
    key: str
    label: str
    first_line: int
    lines: list[Line] = field(default_factory=list)
    last_line: int = 0


def parse_lines(source: SourceText, *, doc_id: str, path: str, kind: str, tools: Tools) -> Document:
    """Build the document structure from the reader's lines."""
    lines = source.lines
    warnings: list[str] = []
    authors = [i for i, line in enumerate(lines) if _author(line.text)]
    parts, part_lines = _part_headings(lines, authors)
    part_starts = [p for p, _ in parts]
    card_starts = [_title_start(lines, a, part_lines) for a in authors]
    body_start = min(part_starts + card_starts + [len(lines)])

    front = _parse_front_matter(source, 0, body_start, tools, warnings)

    cards: list[Card] = []
    ordinals: dict[str, int] = {}
    for number, (author_index, start) in enumerate(zip(authors, card_starts, strict=True)):
        end = card_starts[number + 1] if number + 1 < len(authors) else len(lines)
        # Part headings are sorted: the first after the author line, the last before the title.
        later = bisect_right(part_starts, author_index)
        end = min(end, part_starts[later]) if later < len(parts) else end
        earlier = bisect_left(part_starts, start)
        part = parts[earlier - 1][1] if earlier > 0 else None
        part_slug = slugify(re.split(r"[:.\-–—]", part, maxsplit=1)[0]) if part else "card"
        ordinals[part_slug] = ordinals.get(part_slug, 0) + 1
        cards.append(
            _parse_card(
                source, start, author_index, end, part, part_slug, ordinals[part_slug], tools, warnings
            )
        )
        next_start = card_starts[number + 1] if number + 1 < len(authors) else len(lines)
        _warn_gap(lines, end, next_start, part_lines, warnings)
    if not cards and not front:
        warnings.append("no practice card or front matter found")
    return Document(
        doc_id=doc_id,
        source=path,
        kind=kind,
        front_matter=tuple(front),
        cards=tuple(cards),
        warnings=tuple(warnings),
        pages=source.pages,
    )


def _author(text: str) -> re.Match[str] | None:
    """The author line's match ("(por Ana Pérez)"), its group 1 the name."""
    stripped = text.strip()
    return _AUTHOR_LINE.fullmatch(stripped) if stripped.startswith("(") else None


def _part_headings(lines: Sequence[Line], authors: list[int]) -> tuple[list[tuple[int, str]], set[int]]:
    """Part headings as ``(first line, text)``, and every line they cover.

    A heading may wrap ("PARTE IB: CONTRIBUCIONES DE LOS" / "PARTICIPANTES DE LA ACADEMIA"):
    the capitalised lines right after it continue it, as long as the card title below keeps at
    least one line of its own.
    """
    parts: list[tuple[int, str]] = []
    covered: set[int] = set()
    next_text = _next_nonblank(lines)
    for index, line in enumerate(lines):
        if index in covered or not _is_part_heading(line):
            continue
        after = bisect_right(authors, index)  # authors are in line order
        next_author = authors[after] if after < len(authors) else len(lines)
        last = index
        while (
            last - index < _MAX_PART_LINES - 1
            and last + 1 < next_author
            and _continues_heading(lines[last + 1])
            and next_text[min(last + 2, len(lines))] < next_author
        ):
            last += 1
        parts.append((index, one_line(" ".join(lines[i].text for i in range(index, last + 1)))))
        covered.update(range(index, last + 1))
    return parts, covered


def _next_nonblank(lines: Sequence[Line]) -> list[int]:
    """For each index, the first index at or after it whose line is not blank (``len(lines)``
    if none): one pass, so asking "is there text between i and j" costs nothing."""
    following = [len(lines)] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        following[index] = index if lines[index].text.strip() else following[index + 1]
    return following


def _continues_heading(line: Line) -> bool:
    text = line.text.strip()
    if line.role == "cell" or len(text) > 80:
        return False
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or _author(text):
        return False
    return sum(ch.isupper() for ch in letters) > 0.8 * len(letters)


def _is_part_heading(line: Line) -> bool:
    text = line.text.strip()
    if line.role == "cell" or len(text) > 160 or not _PART_HEADING.match(text):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    # "PARTE IA: CONTRIBUCIONES…" is a heading; "Parte de los fondos…" is prose.
    return ":" in text or sum(ch.isupper() for ch in letters) > 0.8 * len(letters)


def _title_start(lines: Sequence[Line], author_index: int, part_lines: set[int]) -> int:
    """First line of the title block above an author line."""
    index = author_index - 1
    while index >= 0 and not lines[index].text.strip() and author_index - index <= 3:
        index -= 1
    # Text extracted with a blank line after every line: a single blank line is no break.
    spaced = _double_spaced(lines, author_index)
    start = index + 1
    taken = 0
    while index >= 0 and index not in part_lines and lines[index].role != "cell" and taken < _MAX_TITLE_LINES:
        if not lines[index].text.strip():
            if spaced and index > 0 and lines[index - 1].text.strip() and index - 1 not in part_lines:
                index -= 1
                continue
            break
        start = index
        taken += 1
        index -= 1
    return start


def _double_spaced(lines: Sequence[Line], author_index: int) -> bool:
    """Whether the lines after the author line alternate text and blank lines."""
    after = [lines[i].text.strip() != "" for i in range(author_index + 1, min(len(lines), author_index + 7))]
    return len(after) == 6 and after == [False, True] * 3


def _parse_front_matter(
    source: SourceText, start: int, end: int, tools: Tools, warnings: list[str]
) -> list[Section]:
    lines = source.lines
    heads = []
    for index in range(start, end):
        text = lines[index].text.strip()
        key = tools.taxonomy.key_for(text) if 0 < len(text) < 40 else None
        if key in FRONT_MATTER_KEYS:
            heads.append((index, key, one_line(text)))
    if heads and any(line.text.strip() for line in lines[start : heads[0][0]]):
        warnings.append(
            f"text before the first front matter heading (lines {start + 1}-{heads[0][0]}) was not indexed"
        )
    if not heads and any(line.text.strip() for line in lines[start:end]):
        warnings.append(
            f"lines {start + 1}-{end} precede the first card without a front matter heading; not indexed"
        )
    sections = []
    for number, (index, key, label) in enumerate(heads):
        stop = heads[number + 1][0] if number + 1 < len(heads) else end
        block = _OpenSection(
            key=key, label=label, first_line=index, lines=list(lines[index + 1 : stop]), last_line=stop - 1
        )
        vocabulary = words_of(" ".join(line.text for line in block.lines))
        section = _finish_section(
            source, block, None, tools, vocabulary, warnings, context=f"front matter {label}"
        )
        if section is not None:
            sections.append(section)
    return sections


def _parse_card(
    source: SourceText,
    start: int,
    author_index: int,
    end: int,
    part: str | None,
    part_slug: str,
    ordinal: int,
    tools: Tools,
    warnings: list[str],
) -> Card:
    lines = source.lines
    title = one_line(" ".join(line.text for line in lines[start:author_index]))
    author = one_line(_author(lines[author_index].text).group(1))  # type: ignore[union-attr]
    short_title = _short_title(title) if title else f"Practice {ordinal}"
    card_id = f"{part_slug}-{ordinal:02d}-{slugify(short_title, 72)}"
    blocks = _split_sections(lines, author_index + 1, end, tools.taxonomy, warnings, card_id)
    width = typical_width([line for block in blocks for line in block.lines])
    all_text = " ".join(line.text for line in lines[start:end])
    card_language = tools.languages.detect(all_text) or "es"
    vocabulary = words_of(all_text)
    sections = []
    for block in blocks:
        section = _finish_section(
            source,
            block,
            width,
            tools,
            vocabulary,
            warnings,
            context=card_id,
            fallback_language=card_language,
        )
        if section is not None:
            sections.append(section)
    found = [section.key for section in sections]
    missing = [key for key in CARD_KEYS if key not in found]
    if missing:
        warnings.append(f"{card_id}: missing sections: {', '.join(missing)}")
    countries = tools.countries.find(title + "\n" + "\n".join(section.text for section in sections))
    page = next((line.page for line in lines[start:end] if line.page is not None), None)
    if page is None and sections:
        page = sections[0].page
    span = (lines[start].start, _line_end(lines[end - 1]) if end > start else lines[start].start)
    return Card(
        card_id=card_id,
        title=title,
        short_title=short_title,
        author=author,
        part=part,
        ordinal=ordinal,
        language=card_language,
        countries=countries,
        sections=tuple(sections),
        page=page,
        span=span,
        title_countries=tools.countries.find_in_order(title),
    )


def _split_sections(
    lines: Sequence[Line], start: int, end: int, taxonomy: Taxonomy, warnings: list[str], card_id: str
) -> list[_OpenSection]:
    """Cut a card body at its section labels (only labels later in the template than the
    current section count, so prose that starts with a label word stays prose)."""
    blocks: list[_OpenSection] = []
    current = _OpenSection(key=UNLABELLED_KEY, label="", first_line=start, last_line=start)
    run_ends = _label_run_ends(lines, start, end)
    words = _PieceWords(lines)
    index = start
    while index < end:
        line = lines[index]
        position = CARD_KEYS.index(current.key) if current.key in CARD_KEYS else -1
        allowed = frozenset(CARD_KEYS[position + 1 :])
        opened = None
        if line.role == "label":
            run_end = run_ends[index - start]
            opened = _match_label_cells(lines, index, run_end, taxonomy, allowed)
            label = (
                ""
                if opened
                else one_line(" ".join(line.text for line in lines[index : run_end + 1][:_MAX_LABEL_LINES]))
            )
            if label:
                warnings.append(f"{card_id}: unrecognised label cell {_quoted(label)} kept as text")
        elif line.role == "text" and line.text.strip():
            if taxonomy.could_start_label(line.text):
                opened = _match_label_at(lines, index, end, taxonomy, allowed)
            if opened is None and words.could_begin(index, taxonomy, allowed):
                opened = _match_interleaved_at(lines, index, end, taxonomy, allowed, words)
        if opened is None:
            current.lines.append(line)
            current.last_line = index
            index += 1
            continue
        if current.lines and any(item.text.strip() for item in current.lines):
            blocks.append(current)
        current, index, remainders = opened
        current.last_line = index - 1
        current.lines.extend(remainders)
    if current.lines and any(item.text.strip() for item in current.lines) or current.key != UNLABELLED_KEY:
        blocks.append(current)
    if blocks and blocks[0].key == UNLABELLED_KEY:
        warnings.append(f"{card_id}: text before the first section label kept as an unlabelled section")
    return blocks


_Opened = tuple[_OpenSection, int, list[Line]]
# Two table columns extracted side by side are separated by a run of at least two spaces.
_COLUMN_GAP = re.compile(r"\s{2,}")


def _label_run_ends(lines: Sequence[Line], start: int, end: int) -> list[int]:
    """For each line of ``start:end``, the last line of the run of label cells that follows it
    (itself if the next line is no label cell): one pass instead of one scan per line."""
    ends = list(range(start, end))
    for index in range(end - 2, start - 1, -1):
        if lines[index + 1].role == "label":
            ends[index - start] = ends[index + 1 - start]
    return ends


def _match_label_cells(
    lines: Sequence[Line], index: int, label_end: int, taxonomy: Taxonomy, allowed: frozenset[str]
) -> _Opened | None:
    """A run of label cells that spells a label of ``allowed`` (a run longer than any label's
    wrapping is none, without joining it)."""
    if label_end - index >= _MAX_LABEL_LINES:
        return None
    label = one_line(" ".join(lines[i].text for i in range(index, label_end + 1)))
    key = taxonomy.key_for(label)
    if key not in allowed:
        return None
    return _OpenSection(key=key, label=label, first_line=index), label_end + 1, []


def _quoted(label: str) -> str:
    return repr(label) if len(label) <= _QUOTED else repr(label[:_QUOTED]) + "…"


def _match_label_at(
    lines: Sequence[Line], index: int, end: int, taxonomy: Taxonomy, allowed: frozenset[str]
) -> _Opened | None:
    window = [lines[i] for i in range(index, min(end, index + _LABEL_LOOKAHEAD)) if lines[i].role == "text"]
    match = taxonomy.match_prefix(_window_text(window), allowed)
    if match is None:
        return None
    # Which line does the label end on, and what of that line is content?
    consumed = 0
    for offset, line in enumerate(window):
        line_end = consumed + len(line.text)
        if match.end <= line_end:
            column = match.end - consumed
            # The spaces between a label and its text are layout, not a lost bullet.
            while column < len(line.text) and line.text[column].isspace():
                column += 1
            rest = line.text[column:]
            remainder = [Line(text=rest, start=line.start + column, page=line.page)] if rest.strip() else []
            block = _OpenSection(key=match.key, label=match.printed, first_line=index)
            return block, index + offset + 1, remainder
        consumed = line_end + 1
    return None


def _window_text(window: list[Line]) -> str:
    """The window's lines joined, cut after :data:`LABEL_SPAN` characters: a label ends well
    before, and the offsets of the lines it covers stay those of the full join."""
    pieces: list[str] = []
    total = 0
    for line in window:
        pieces.append(line.text[: LABEL_SPAN - total])
        total += len(pieces[-1]) + 1
        if total >= LABEL_SPAN:
            break
    return "\n".join(pieces)


class _PieceWords:
    """The folded words of each way to cut a line into label piece and content, folded once
    per line and cut (a line is looked at from each of the lines above it)."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self._lines = lines
        self._cuts: dict[int, list[tuple[str, tuple[str, ...], int | None]]] = {}

    def cuts(self, position: int) -> list[tuple[str, tuple[str, ...], int | None]]:
        """``(left piece, its words, where the content starts or None)`` for each cut."""
        if position not in self._cuts:
            self._cuts[position] = [
                (left, label_words(left), cut) for left, cut in _column_cuts(self._lines[position])
            ]
        return self._cuts[position]

    def could_begin(self, position: int, taxonomy: Taxonomy, allowed: frozenset[str]) -> bool:
        """Whether the first word of the line begins some label of ``allowed`` (every cut's
        piece starts with it), which interleaved matching needs."""
        text = self._lines[position].text.lstrip()
        head = label_words(text[:_HEAD])
        if len(head) < 2 and len(text) > _HEAD:  # the first word may run past the head
            head = label_words(text[:LABEL_SPAN])
        return taxonomy.words_progress(head[:1], allowed)[0]


def _match_interleaved_at(
    lines: Sequence[Line],
    index: int,
    end: int,
    taxonomy: Taxonomy,
    allowed: frozenset[str],
    words: _PieceWords,
) -> _Opened | None:
    """A label whose pieces share their lines with the first lines of content, as when the two
    table columns come out side by side: "Effectiveness of the  Each cohort follows…" /
    "methodological approach  (1) idea validation…". Each line is cut at a run of spaces (or
    not at all) so that the left pieces spell a whole label; the right pieces are content.
    At most :data:`_INTERLEAVE_TRIES` cuts are tried from one line."""
    best: tuple[LabelMatch, int, list[tuple[Line, int]]] | None = None
    tries = 0
    stop = min(end, index + _LABEL_LOOKAHEAD)

    def explore(
        position: int, pieces: list[str], spelled: tuple[str, ...], rights: list[tuple[Line, int]]
    ) -> None:
        nonlocal best, tries
        if position >= stop:
            return
        line = lines[position]
        if line.role != "text" or not line.text.strip():
            return
        for left, left_words, cut in words.cuts(position):
            if tries >= _INTERLEAVE_TRIES:
                return
            tries += 1
            label = " ".join([*pieces, left])
            started, complete = taxonomy.words_progress(spelled + left_words, allowed)
            if not started or len(label) > LABEL_SPAN:
                continue
            content = [*rights, (line, cut)] if cut is not None else rights
            # Interleaving means at least two label lines and some content beside them.
            if complete is not None and position > index and content:
                if best is None or len(label) > len(best[0].printed):
                    match = LabelMatch(
                        key=complete.key, lang=complete.lang, printed=one_line(label), end=len(label)
                    )
                    best = (match, position + 1, content)
            explore(position + 1, [*pieces, left], spelled + left_words, content)

    explore(index, [], (), [])
    if best is None:
        return None
    match, next_index, content = best
    remainders = [Line(text=line.text[cut:], start=line.start + cut, page=line.page) for line, cut in content]
    return _OpenSection(key=match.key, label=match.printed, first_line=index), next_index, remainders


def _column_cuts(line: Line) -> list[tuple[str, int | None]]:
    """Ways to read ``line`` as label piece (left) and content (from an offset, or none). A
    piece is never longer than a label can be, so only the start of a long line is cut."""
    text = line.text
    stripped = text.strip()
    cuts: list[tuple[str, int | None]] = [(stripped, None)] if len(stripped) <= LABEL_SPAN else []
    for gap in _COLUMN_GAP.finditer(text):
        if gap.start() > LABEL_SPAN:
            break
        left = text[: gap.start()].strip()
        # A run of spaces found by finditer is whole, so content follows unless it ends the line.
        if left and gap.end() < len(text):
            cuts.append((left, gap.end()))
    return cuts


def _finish_section(
    source: SourceText,
    block: _OpenSection,
    width: int | None,
    tools: Tools,
    vocabulary: frozenset[str],
    warnings: list[str],
    *,
    context: str,
    fallback_language: str | None = None,
) -> Section | None:
    cleaned = clean_lines(block.lines, tools.taxonomy, width, vocabulary)
    for removed in cleaned.removed:
        warnings.append(f"{context}: dropped template instruction {removed!r}")
    if not cleaned.text:
        if block.key != UNLABELLED_KEY:
            warnings.append(f"{context}: section {block.label!r} is empty")
        return None
    language = tools.languages.detect(cleaned.text, fallback=fallback_language) or fallback_language or "es"
    page = _section_page(source, block)
    label = block.label or tools.taxonomy.default_label(block.key, language)
    lines = source.lines
    last = max(block.last_line, block.first_line)
    span = (lines[block.first_line].start, _line_end(lines[min(last, len(lines) - 1)]))
    return Section(
        key=block.key,
        label=label,
        text=cleaned.text,
        language=language,
        page=page,
        span=span,
        page_starts=cleaned.page_starts,
    )


def _section_page(source: SourceText, block: _OpenSection) -> int | None:
    """Page where the section starts; if that is unknown (text before the first page footer),
    the page of the footer that closes it."""
    first = source.lines[block.first_line].page
    if first is not None:
        return first
    # Markers are in line order: the first one after the section's first line, found by
    # bisection (a scan from the top for every section is quadratic in a many-page file).
    following = bisect_right(source.markers, (block.first_line, _NO_PAGE))
    if following == len(source.markers):
        return None
    marker_index, printed = source.markers[following]
    if marker_index <= block.last_line + 1:
        return printed
    # Text between the section's end and the footer belongs to the next section, if any.
    blank = all(not line.text.strip() for line in source.lines[block.last_line + 1 : marker_index])
    return printed if blank else None


def _warn_gap(
    lines: Sequence[Line], end: int, next_start: int, part_lines: set[int], warnings: list[str]
) -> None:
    """Say so when text between two cards (other than a part heading) is left out."""
    skipped = [i for i in range(end, next_start) if lines[i].text.strip() and i not in part_lines]
    if skipped:
        warnings.append(f"lines {skipped[0] + 1}-{skipped[-1] + 1} between cards were not indexed")


def _line_end(line: Line) -> int:
    return line.start + len(line.text)


def _short_title(title: str) -> str:
    """A title short enough for a citation: cut at the last clause break that fits."""
    if len(title) <= _SHORT_TITLE_MAX:
        return title
    cuts = [
        match.start() for match in _CLAUSE_BREAK.finditer(title) if 20 <= match.start() <= _SHORT_TITLE_MAX
    ]
    if cuts:
        return title[: cuts[-1]].rstrip(" ,;:")
    cut = title[:_SHORT_TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"
