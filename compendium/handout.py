"""Trainer handouts: collected quotes with full citations, exported as Markdown or Word.

Each quote keeps the compendium's own words and language; a numbered sources list closes the
document, so material taken to class can be traced back to practice, section and page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from compendium.records import Chunk

HANDOUT_TITLE = "SSTC good practices for decent work in the SSE — handout"
COMPENDIUM = (
    "ILO, Collection of South-South and triangular cooperation good practices promoting decent work "
    "in the social and solidarity economy, SSE Academy 2019."
)
#: The words of the handout files, in each interface language (the quotes stay as written).
_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": HANDOUT_TITLE,
        "prepared": "Prepared on {date} from the compendium.",
        "sources": "Sources",
        "section": "section “{label}”",
        "in": "in {language}",
        "compendium": COMPENDIUM,
        "file": "sstc-good-practices-handout",
        "keywords": "ILO; South-South and triangular cooperation; social and solidarity economy; decent work",
        "languages": {"es": "Spanish", "en": "English", "fr": "French", "pt": "Portuguese"},
        "months": (
            "January February March April May June July August September October November December".split()
        ),
        "date": "{day} {month} {year}",
    },
    "es": {
        "title": "Buenas prácticas de CSST para el trabajo decente en la ESS — material para el curso",
        "prepared": "Preparado el {date} a partir del compendio.",
        "sources": "Fuentes",
        "section": "sección “{label}”",
        "in": "en {language}",
        "compendium": "OIT, Colección de buenas prácticas de cooperación Sur-Sur y triangular que promueven "
        "el trabajo decente en la economía social y solidaria, Academia ESS 2019.",
        "file": "material-buenas-practicas-csst",
        "keywords": "OIT; cooperación Sur-Sur y triangular; economía social y solidaria; trabajo decente",
        "languages": {"es": "español", "en": "inglés", "fr": "francés", "pt": "portugués"},
        "months": (
            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()
        ),
        "date": "{day} de {month} de {year}",
    },
}
_LANGUAGES = _TEXT["en"]["languages"]


def _words(lang: str) -> dict[str, Any]:
    return _TEXT.get(lang, _TEXT["en"])


def handout_title(lang: str = "en") -> str:
    """The handout's title in ``lang`` (English when there is no such language)."""
    return str(_words(lang)["title"])


def file_name(lang: str, extension: str, today: date | None = None) -> str:
    """What the downloaded file is called: what it is, in ``lang``, and the day it was made
    (``sstc-good-practices-handout-2025-03-01.docx``)."""
    return f"{_words(lang)['file']}-{(today or date.today()).isoformat()}.{extension}"


def _long_date(day: date, lang: str) -> str:
    words = _words(lang)
    return str(words["date"]).format(day=day.day, month=words["months"][day.month - 1], year=day.year)


@dataclass(frozen=True)
class HandoutItem:
    """One quote for the handout and everything needed to cite it."""

    quote: str
    chunk_id: str
    doc_id: str
    practice: str
    place: str
    author: str | None
    section_label: str
    page: int | None
    lang: str
    citation: str

    @classmethod
    def from_chunk(cls, chunk: Chunk, quote: str | None = None) -> HandoutItem:
        """An item quoting ``quote`` (which must come from the chunk) or the whole chunk."""
        quote = chunk.text if quote is None else quote
        if quote not in chunk.text:
            raise ValueError("a handout quote must be a verbatim part of its chunk")
        return cls(
            quote=quote,
            chunk_id=chunk.chunk_id,
            doc_id=chunk.doc_id,
            practice=chunk.short_title,
            place=chunk.place,
            author=chunk.author,
            section_label=chunk.section_label,
            page=chunk.page,
            lang=chunk.lang,
            citation=chunk.citation,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> HandoutItem:
        return cls(**{name: record[name] for name in cls.__dataclass_fields__})


def add_items(items: Sequence[HandoutItem], new: Sequence[HandoutItem]) -> list[HandoutItem]:
    """``items`` plus the ``new`` ones not already there (same chunk and quote)."""
    seen = {(item.chunk_id, item.quote) for item in items}
    result = list(items)
    for item in new:
        if (item.chunk_id, item.quote) not in seen:
            seen.add((item.chunk_id, item.quote))
            result.append(item)
    return result


#: Items one handout holds at most: enough for any class, and it bounds what a browser keeps.
MAX_ITEMS = 100
_MAX_ID = 200


@dataclass(frozen=True)
class HandoutRef:
    """Where one handout quote lies: ``chunk.text[start:end]``, and a digest of that text. This
    is what the browser keeps (small, and it can only ever point at the compendium's own
    words); the item is rebuilt from the index each time, with its full citation. The digest
    catches a passage whose text changed under the same id after a rebuild, so a stored ref
    never quotes a different fragment than the one chosen."""

    chunk_id: str
    start: int
    end: int
    digest: str

    @classmethod
    def of(cls, chunk: Chunk, start: int = 0, end: int | None = None) -> HandoutRef:
        """``chunk.text[start:end]`` (the whole passage by default)."""
        end = len(chunk.text) if end is None else end
        return cls(chunk.chunk_id, start, end, quote_digest(chunk.text[start:end]))

    @classmethod
    def whole(cls, chunk: Chunk) -> HandoutRef:
        """The whole passage."""
        return cls.of(chunk)

    def to_dict(self) -> dict[str, Any]:
        return {"chunk_id": self.chunk_id, "start": self.start, "end": self.end, "digest": self.digest}

    @classmethod
    def parse(cls, record: object) -> HandoutRef | None:
        """A ref from what a browser sent back, or ``None`` when it is not one."""
        if not isinstance(record, dict):
            return None
        chunk_id, start, end = record.get("chunk_id"), record.get("start"), record.get("end")
        digest = record.get("digest")
        if not isinstance(chunk_id, str) or not 0 < len(chunk_id) <= _MAX_ID:
            return None
        if type(start) is not int or type(end) is not int or not 0 <= start < end:
            return None
        if not isinstance(digest, str) or _DIGEST.fullmatch(digest) is None:
            return None
        return cls(chunk_id, start, end, digest)

    def quote_in(self, chunk: Chunk) -> str | None:
        """The quote this ref names in ``chunk``, or ``None`` if the chunk no longer has it."""
        text = chunk.text[self.start : self.end]
        return text if self.end <= len(chunk.text) and quote_digest(text) == self.digest else None


_DIGEST = re.compile(r"[0-9a-f]{16}")


def quote_digest(text: str) -> str:
    """A short fingerprint of a quote's text (not a secret: it only tells changed text apart)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Handout:
    """A handout as rebuilt from refs: its items, the refs that still resolve, and how many
    did not (a chunk no longer in the index, or something that was never a ref)."""

    items: tuple[HandoutItem, ...]
    refs: tuple[HandoutRef, ...]
    dropped: int = 0


def resolve(records: Iterable[object], chunks: Mapping[str, Chunk], limit: int = MAX_ITEMS) -> Handout:
    """The handout ``records`` (ref dicts) point at in ``chunks``: duplicates and refs past
    ``limit`` are left out, and so are those that do not resolve (counted in ``dropped``)."""
    items: list[HandoutItem] = []
    refs: list[HandoutRef] = []
    dropped = 0
    for record in records:
        ref = HandoutRef.parse(record)
        chunk = chunks.get(ref.chunk_id) if ref else None
        quote = ref.quote_in(chunk) if ref and chunk else None
        if ref is None or quote is None:
            dropped += 1
            continue
        if ref in refs or len(refs) >= limit:
            continue
        refs.append(ref)
        items.append(HandoutItem.from_chunk(chunk, quote))
    return Handout(tuple(items), tuple(refs), dropped)


def added(refs: Sequence[HandoutRef], new: Iterable[HandoutRef], limit: int = MAX_ITEMS) -> list[HandoutRef]:
    """``refs`` then the ``new`` ones not already there, up to ``limit`` in all."""
    result = list(refs)
    for ref in new:
        if ref not in result and len(result) < limit:
            result.append(ref)
    return result


def moved(refs: Sequence[HandoutRef], index: int, offset: int) -> list[HandoutRef]:
    """``refs`` with item ``index`` moved ``offset`` places (kept inside the list)."""
    result = list(refs)
    if not 0 <= index < len(result):
        return result
    target = min(max(index + offset, 0), len(result) - 1)
    result.insert(target, result.pop(index))
    return result


def removed(refs: Sequence[HandoutRef], index: int) -> list[HandoutRef]:
    """``refs`` without item ``index`` (unchanged when there is no such item)."""
    return [ref for position, ref in enumerate(refs) if position != index]


def _sources(items: Sequence[HandoutItem]) -> dict[tuple[str, str, int | None], int]:
    numbers: dict[tuple[str, str, int | None], int] = {}
    for item in items:
        numbers.setdefault((item.doc_id, item.section_label, item.page), len(numbers) + 1)
    return numbers


def _source_line(item: HandoutItem, lang: str = "en") -> str:
    words = _words(lang)
    practice = f"{item.practice} ({item.place})" if item.place else item.practice
    parts = [practice]
    if item.author:
        parts.append(item.author)
    parts.append(str(words["section"]).format(label=item.section_label))
    if item.page is not None:
        parts.append(f"p. {item.page}")
    parts.append(str(words["in"]).format(language=words["languages"].get(item.lang, item.lang)))
    return ". ".join(parts) + ". " + str(words["compendium"])


def _citation_line(item: HandoutItem, number: int, lang: str) -> str:
    language = _words(lang)["languages"].get(item.lang, item.lang)
    return f"— {item.citation} ({language}) [{number}]"


def to_markdown(
    items: Sequence[HandoutItem], title: str | None = None, today: date | None = None, *, lang: str = "en"
) -> str:
    """The handout as Markdown, its own words in ``lang``: quotes as block quotes, each with
    its citation, then sources."""
    today = today or date.today()
    words = _words(lang)
    numbers = _sources(items)
    prepared = str(words["prepared"]).format(date=_long_date(today, lang))
    lines = [f"# {_md(title or handout_title(lang))}", "", prepared, ""]
    for index, item in enumerate(items, start=1):
        number = numbers[(item.doc_id, item.section_label, item.page)]
        lines.append(f"## {index}. {_md(item.practice)}")
        lines.append("")
        lines.extend(f"> {_md(line)}" if line else ">" for line in item.quote.split("\n"))
        lines.append("")
        language = words["languages"].get(item.lang, item.lang)
        lines.append(f"— {_md(item.citation)} ({_md(language)}) [{number}]")
        lines.append("")
    lines.append(f"## {words['sources']}")
    lines.append("")
    by_number = {number: key for key, number in numbers.items()}
    first_item = {(i.doc_id, i.section_label, i.page): i for i in reversed(items)}
    for number in sorted(by_number):
        lines.append(f"{number}. {_md(_source_line(first_item[by_number[number]], lang))}")
    return "\n".join(lines) + "\n"


def write_markdown(items: Sequence[HandoutItem], folder: Path, *, lang: str = "en") -> Path:
    """Write the Markdown handout (in ``lang``) into ``folder``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(lang, "md")
    path.write_text(to_markdown(items, lang=lang), encoding="utf-8")
    return path


def write_docx(
    items: Sequence[HandoutItem], folder: Path, title: str | None = None, *, lang: str = "en"
) -> Path:
    """Write the handout as a Word document (in ``lang``) into ``folder``; return its path.
    Its properties say what it is: title, subject, language, dates, and no library as author."""
    from docx import Document as WordDocument
    from docx.shared import Pt

    folder.mkdir(parents=True, exist_ok=True)
    words = _words(lang)
    title = title or handout_title(lang)
    numbers = _sources(items)
    word = WordDocument()
    prepared = str(words["prepared"]).format(date=_long_date(date.today(), lang))
    _set_properties(word, title, prepared, lang)
    word.add_heading(_xml_safe(title), level=1)
    word.add_paragraph(prepared)
    for index, item in enumerate(items, start=1):
        number = numbers[(item.doc_id, item.section_label, item.page)]
        word.add_heading(_xml_safe(f"{index}. {item.practice}"), level=2)
        for line in item.quote.split("\n"):
            word.add_paragraph(_xml_safe(line), style="Quote")
        citation = word.add_paragraph()
        run = citation.add_run(_xml_safe(_citation_line(item, number, lang)))
        run.font.size = Pt(9)
    word.add_heading(str(words["sources"]), level=2)
    first_item = {(i.doc_id, i.section_label, i.page): i for i in reversed(items)}
    for key, number in numbers.items():
        word.add_paragraph(_xml_safe(f"{number}. {_source_line(first_item[key], lang)}"))
    path = folder / file_name(lang, "docx")
    word.save(str(path))
    return path


def _set_properties(word: Any, title: str, prepared: str, lang: str) -> None:
    """Document properties: python-docx's template says "python-docx" as author and in its
    comments, which is what Word and file managers would show."""
    words = _words(lang)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)  # python-docx writes naive times as UTC
    properties = word.core_properties
    properties.title = _xml_safe(title)
    properties.subject = str(words["compendium"])
    properties.keywords = str(words["keywords"])
    properties.comments = prepared
    properties.language = lang
    properties.author = ""
    properties.last_modified_by = ""
    properties.created = now
    properties.modified = now
    properties.revision = 1


def _md(value: str) -> str:
    """Text that Markdown shows as written: markup characters, raw HTML and character
    references (``&lt;`` would show as ``<``) are escaped."""
    value = value.replace("\\", "\\\\")
    value = re.sub(r"([`*_\[\]#|<>&])", r"\\\1", value)
    return value


_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(value: str) -> str:
    # Word files are XML: control characters from a bad PDF extraction would corrupt them.
    return _XML_INVALID.sub("", value)
