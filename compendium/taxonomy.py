"""The section taxonomy: canonical keys, their printed labels in four languages, and the
template instructions that leaked into some cards.

The table itself lives in ``data/sections.tsv`` so translators can extend it without touching
code. Matching is tolerant of case, accents, ``(s)`` plural markers, runs of spaces and labels
wrapped over several lines, because the compendium reaches us as text extracted from a PDF.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from compendium.textnorm import fold, fold_with_offsets, one_line

#: Card sections in template order. The order matters: the parser only accepts a label for a
#: section that comes after the current one, which keeps a content line that happens to start
#: with "Resultados…" from opening a new section.
CARD_KEYS: tuple[str, ...] = (
    "objectives",
    "cooperation",
    "methodology",
    "innovation",
    "sustainability",
    "adaptability",
    "results",
    "contacts",
    "materials",
    "funding",
)
FRONT_MATTER_KEYS: tuple[str, ...] = ("preface", "introduction")
#: Text of a card that precedes its first recognised label. Kept, never dropped.
UNLABELLED_KEY = "other"
LANGUAGES: tuple[str, ...] = ("es", "en", "fr", "pt")

# A word of a label may carry a plural marker in the source: "Objetivo (s)", "Objetivos".
_PLURAL = r"(?:\s*\(\s*(?:s|es)\s*\)|s|es)?"
# Between words: any whitespace (including line breaks), or a hyphen/apostrophe with optional
# spaces ("Sur-Sur", "Sur - Sur", "l'approche", "l’ approche").
_GAP = r"(?:\s*[-'’‐‑–]\s*|\s+)"
_WORD = re.compile(r"[a-z0-9]+")
# Portuguese spelling before the 1990 agreement, still usual in Africa: "objectivos",
# "colectivo". A label word written "…vowel-t…" also matches "…vowel-ct…".
_LEGACY_CT = re.compile(r"([aeiou])t")
_LEGACY_SPELLING = re.compile(r"([aeiou])ct")
_PLURAL_MARK = re.compile(r"\(\s*(?:s|es)\s*\)")
#: No label, with the spacing and line breaks extraction puts inside it, is longer than this
#: (the longest printed label has 75 characters): text beyond it is never read as a label.
LABEL_SPAN = 400
# Enough of a line's start to hold its first word, folded, for the quick "could a label start
# here" test.
_HEAD = 48


@dataclass(frozen=True)
class Label:
    """One printed form of a section label."""

    key: str
    lang: str
    text: str


@dataclass(frozen=True)
class LabelMatch:
    """A label found at the start of some text: which key, where it ends, how it was printed."""

    key: str
    lang: str
    printed: str
    end: int


def _phrase_words(phrase: str) -> list[str]:
    return _WORD.findall(fold(phrase.replace("(s)", "").replace("(es)", "")))


def _word_pattern(word: str) -> str:
    return _LEGACY_CT.sub(r"\1c?t", re.escape(word)) + _PLURAL


def _words_pattern(phrase: str) -> str:
    """Regex (over folded text) for ``phrase`` with tolerant gaps and plural markers."""
    return _GAP.join(_word_pattern(word) for word in _phrase_words(phrase))


def _first_words_pattern(phrases: list[str]) -> re.Pattern[str]:
    """Regex matching, at the start of folded text, the first word of any of ``phrases`` as
    their own patterns accept it: the cheap test before trying each label in full."""
    firsts = sorted({_word_pattern(words[0]) for words in map(_phrase_words, phrases) if words})
    return re.compile(r"(?:" + "|".join(firsts or ["(?!)"]) + r")(?![a-z0-9])")


class Taxonomy:
    """Label and instruction lookup built from the taxonomy table."""

    def __init__(
        self,
        labels: list[Label],
        instructions: list[Label],
        intents: list[Label] | None = None,
        rates: list[Label] | None = None,
    ) -> None:
        #: Words by which a question asks for a section ("outcomes" -> results), per language.
        self.intents = intents or []
        #: Words that make a question ask for a rate ("per month", "fee"): what someone pays or
        #: receives, which the section of the row's key does not hold (see compendium/intents.py).
        self.rates = rates or []
        self._table_order = list(labels)
        # Longest labels first, so "Cooperación entre instituciones y países para lograr los
        # objetivos" wins over its shorter variant.
        self.labels = sorted(labels, key=lambda lab: -len(lab.text))
        self.instructions = instructions
        self._label_words = [(lab, label_words(lab.text)) for lab in self.labels]
        # Labels by every form of their first word that _same_word accepts: words_progress
        # then compares only the labels a text's first word can begin.
        self._by_first_word: dict[str, list[tuple[Label, tuple[str, ...]]]] = {}
        for lab, target in self._label_words:
            for form in _word_forms(target[0]) if target else ():
                self._by_first_word.setdefault(form, []).append((lab, target))

    # The patterns are compiled when the parser first needs them (half a second of regex
    # compilation): a search process reads only the intents and default labels.
    @cached_property
    def _label_patterns(self) -> list[tuple[Label, re.Pattern[str]]]:
        return [(lab, re.compile(r"\s*" + _words_pattern(lab.text) + r"(?![a-z0-9])")) for lab in self.labels]

    @cached_property
    def _instruction_patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(_words_pattern(ins.text) + r"\s*\.?") for ins in self.instructions]

    @cached_property
    def _label_start(self) -> re.Pattern[str]:
        return _first_words_pattern([lab.text for lab in self.labels])

    def could_start_label(self, text: str) -> bool:
        """Whether ``text`` begins with the first word of some label: when it does not, no
        label matches at its start (:meth:`match_prefix`, :meth:`key_for`), and a line of
        prose is rejected without trying every label on it."""
        return self._label_start.match(fold(text.lstrip()[:_HEAD])) is not None

    def labels_for(self, key: str, lang: str | None = None) -> list[str]:
        """Printed labels of ``key`` (optionally in one language), longest first."""
        return [lab.text for lab in self.labels if lab.key == key and lang in (None, lab.lang)]

    def default_label(self, key: str, lang: str) -> str:
        """The first-listed label of ``key`` in ``lang`` (falls back to English, then the key)."""
        for candidate_lang in (lang, "en"):
            for lab in self._table_order:
                if lab.key == key and lab.lang == candidate_lang:
                    return lab.text
        return key

    def match_prefix(self, text: str, keys: frozenset[str] | set[str] | None = None) -> LabelMatch | None:
        """Find a label at the very start of ``text`` (which may span several lines).

        The label must be followed by the end of a line or by something that starts content
        (a capital, digit, bullet, quote, colon): "Resultados esperados del…" is prose, not the
        "Resultados" label followed by text.
        """
        if not self.could_start_label(text):
            return None
        text = text[:LABEL_SPAN]  # a label ends well within this; folding is per character
        folded, offsets = fold_with_offsets(text)
        for lab, pattern in self._label_patterns:
            if keys is not None and lab.key not in keys:
                continue
            match = pattern.match(folded)
            if not match:
                continue
            end = offsets[match.end() - 1] + 1
            if not _starts_content(text, end):
                continue
            start = offsets[match.start() + len(match.group(0)) - len(match.group(0).lstrip())]
            printed = one_line(text[start:end])
            return LabelMatch(key=lab.key, lang=lab.lang, printed=printed, end=end)
        return None

    def label_progress(self, text: str, keys: frozenset[str] | set[str]) -> tuple[bool, LabelMatch | None]:
        """How ``text`` (a label's beginning, e.g. the left-column pieces of interleaved lines)
        stands against the labels of ``keys``: whether some label starts with its words, and the
        longest label it spells out completely."""
        started, complete = self.words_progress(label_words(text), keys)
        if complete is None:
            return started, None
        return True, LabelMatch(key=complete.key, lang=complete.lang, printed=one_line(text), end=len(text))

    def words_progress(
        self, words: tuple[str, ...], keys: frozenset[str] | set[str]
    ) -> tuple[bool, Label | None]:
        """:meth:`label_progress` on words already folded (:func:`label_words`)."""
        if not words:
            return False, None
        started = False
        complete: Label | None = None
        for lab, target in self._by_first_word.get(words[0], ()):
            if lab.key not in keys or len(words) > len(target):
                continue
            if all(_same_word(a, b) for a, b in zip(words, target, strict=False)):
                started = True
                if len(words) == len(target) and complete is None:
                    complete = lab
        return started, complete

    def key_for(self, label: str) -> str | None:
        """The key whose label is exactly ``label`` (modulo case, accents, spacing, ``(s)``)."""
        if len(label) > LABEL_SPAN or not self.could_start_label(label):
            return None
        folded = fold(label).strip().rstrip(":").strip()
        for lab, pattern in self._label_patterns:
            match = pattern.match(folded)
            if match and match.end() == len(folded):
                return lab.key
        return None

    def find_instructions(self, text: str) -> list[tuple[int, int, str]]:
        """Leftover template instructions in ``text`` as ``(start, end, printed)``, in order."""
        folded, offsets = fold_with_offsets(text)
        found: list[tuple[int, int, str]] = []
        for pattern in self._instruction_patterns:
            for match in pattern.finditer(folded):
                start = offsets[match.start()]
                end = offsets[match.end() - 1] + 1
                found.append((start, end, one_line(text[start:end])))
        found.sort()
        # Overlapping hits (two variants of one instruction) keep the first.
        kept: list[tuple[int, int, str]] = []
        for item in found:
            if not kept or item[0] >= kept[-1][1]:
                kept.append(item)
        return kept


def label_words(text: str) -> tuple[str, ...]:
    """The folded words of a label, plural markers "(s)" dropped: the unit of prefix matching."""
    folded = _PLURAL_MARK.sub(" ", fold(text))
    return tuple(
        _LEGACY_SPELLING.sub(r"\1t", word) if "ct" in word else word for word in _WORD.findall(folded)
    )


def _word_forms(word: str) -> set[str]:
    """Every word that :func:`_same_word` holds equal to ``word``."""
    forms = {word, word + "s", word + "es"}
    for ending in ("s", "es"):
        if word.endswith(ending) and len(word) > len(ending):
            forms.add(word[: -len(ending)])
    return forms


def _same_word(a: str, b: str) -> bool:
    """Equal up to a plural ending: "objetivo" / "objetivos", "pais" / "paises"."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return long in (short + "s", short + "es")


def _starts_content(text: str, end: int) -> bool:
    rest = text[end:]
    line_rest = rest.split("\n", 1)[0].strip()
    if not line_rest:
        return True
    first = line_rest[0]
    return first.isupper() or first.isdigit() or first in "•·▪-–—*\"“«'(:¿¡"


def _read_table() -> list[dict[str, str]]:
    with resources.files("compendium.data").joinpath("sections.tsv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """Read the taxonomy table shipped with the package (read once per process; it is static)."""
    rows = _read_table()
    known = set(CARD_KEYS) | set(FRONT_MATTER_KEYS)
    labels: list[Label] = []
    instructions: list[Label] = []
    intents: list[Label] = []
    rates: list[Label] = []
    for row in rows:
        if row["key"] not in known or row["lang"] not in LANGUAGES:
            raise ValueError(f"sections.tsv: unknown key or language in row {row}")
        entry = Label(key=row["key"], lang=row["lang"], text=row["text"])
        if row["kind"] == "label":
            labels.append(entry)
        elif row["kind"] == "instruction":
            instructions.append(entry)
        elif row["kind"] in ("intent", "rate"):
            words = [
                Label(key=row["key"], lang=row["lang"], text=word.strip()) for word in row["text"].split("|")
            ]
            (intents if row["kind"] == "intent" else rates).extend(words)
        else:
            raise ValueError(f"sections.tsv: unknown kind {row['kind']!r}")
    return Taxonomy(labels, instructions, intents, rates)
