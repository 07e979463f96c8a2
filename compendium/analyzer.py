"""The one multilingual analyzer, used for documents (BM25 indexing) and queries alike.

Text -> NFKC -> tokens (words, and numbers kept whole) -> casefold -> stopwords removed ->
Snowball stem in the passage's language -> accents folded. Numbers lose their thousands
separators, so "74.004", "74,004" and "74004" are one token.

A document is in one known language. A query is not (users mix languages and drop accents),
so each query word becomes a :class:`QueryTerm` holding its stem in all four languages; the
scorer takes the best-matching variant, so "familias", "families" and "familles" all reach
"familia" without counting a word twice.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from compendium.language import LanguageDetector
from compendium.taxonomy import LANGUAGES
from compendium.textnorm import fold

ANALYZER_VERSION = "1"

_SNOWBALL = {"es": "spanish", "en": "english", "fr": "french", "pt": "portuguese"}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
# Snowball stopword lists include verb forms that are content words in this domain:
# "estado" is "the State" in every card about social protection, "sentido" a common noun.
_NOT_STOPWORDS = frozenset(
    {"estado", "estados", "estada", "estadas", "sentido", "sentidos", "sentida", "sentidas"}
)
# Question words carry no topic; in a query they only add noise ("how many" matching "many").
_QUESTION_WORDS = frozenset(
    fold(word)
    for word in """cómo cuánto cuánta cuántos cuántas cuál cuáles quién quiénes dónde cuándo qué
    how many much what which who whom whose where when why does did
    comment combien quel quels quelle quelles pourquoi où quand
    quanto quanta quantos quantas qual quais quem onde quando porque""".split()
)


# Portuguese endings people type without their accents ("capacitacao", "acoes"). The
# Portuguese stemmer only strips the accented forms, so the query's Portuguese variant
# restores them first; the other languages stem unaccented words the same either way.
_PT_UNACCENTED_ENDINGS = (("coes", "ções"), ("cao", "ção"), ("oes", "ões"), ("aes", "ães"), ("ao", "ão"))


def _restore_portuguese_accents(token: str) -> str:
    if token != fold(token):
        return token
    for plain, accented in _PT_UNACCENTED_ENDINGS:
        if token.endswith(plain) and len(token) > len(plain) + 2:
            return token[: -len(plain)] + accented
    return token


@dataclass(frozen=True)
class QueryTerm:
    """One query word: its surface form and its stems in every supported language."""

    surface: str
    variants: frozenset[str]


def normalize_number(token: str) -> str:
    """``"74.004"`` -> ``"74004"``; ``"2,5"`` -> ``"2.5"``; plain digits unchanged."""
    if _THOUSANDS.match(token):
        return re.sub(r"[.,]", "", token)
    return token.replace(",", ".")


class Analyzer:
    """Tokenises, removes stopwords and stems; build once, reuse (stemmers are cached)."""

    version = ANALYZER_VERSION

    def __init__(self, languages: tuple[str, ...] = LANGUAGES) -> None:
        self.languages = languages

    @cached_property
    def _stemmers(self) -> dict[str, Any]:
        import Stemmer  # PyStemmer: the Snowball stemmers, compiled

        return {lang: Stemmer.Stemmer(_SNOWBALL[lang]) for lang in self.languages}

    @cached_property
    def _stopwords(self) -> dict[str, frozenset[str]]:
        lists = _stopword_lists()
        named = {
            "es": lists.STOPWORDS_SPANISH,
            "en": lists.STOPWORDS_EN_PLUS,
            "fr": lists.STOPWORDS_FRENCH,
            "pt": lists.STOPWORDS_PORTUGUESE,
        }
        return {
            lang: frozenset(fold(word) for word in named[lang]) - _NOT_STOPWORDS for lang in self.languages
        }

    @cached_property
    def _shared_stopwords(self) -> frozenset[str]:
        """Stopwords of at least two languages ("de", "a", "que"), plus question words. A word
        that is a stopword in one language only may be a content word in another ("sur" is
        French for "on" and Spanish for "south"), so queries keep it unless they are in that
        language."""
        counts: dict[str, int] = {}
        for words in self._stopwords.values():
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        return frozenset(word for word, count in counts.items() if count >= 2) | _QUESTION_WORDS

    @cached_property
    def _detector(self) -> LanguageDetector:
        return LanguageDetector(self.languages)

    def query_language(self, text: str) -> str | None:
        """The query's language when it is clear (three words or more), else None."""
        if len(text.split()) < 3:
            return None
        return self._detector.detect(text, fallback=None)

    def tokens(self, text: str) -> list[str]:
        """Surface tokens: casefolded words (accents kept) and normalised numbers."""
        result = []
        for match in _TOKEN.finditer(unicodedata.normalize("NFKC", text)):
            token = match.group(0)
            if token[0].isdigit():
                result.append(normalize_number(token))
            elif len(token) > 1:
                result.append(token.casefold())
        return result

    def stem(self, token: str, lang: str) -> str:
        """Stem of one surface token in ``lang``, accents folded (numbers pass through)."""
        if token[0].isdigit():
            return token
        return fold(self._stemmers[lang].stemWord(token))

    def is_stopword(self, token: str, lang: str | None = None) -> bool:
        """Stopword in ``lang``; with ``lang`` None, a stopword of two languages or a question word."""
        folded = fold(token)
        return folded in (self._stopwords[lang] if lang else self._shared_stopwords)

    def is_query_stopword(self, token: str, query_lang: str | None) -> bool:
        """Noise in a query: a shared stopword, a question word, or a stopword of its language."""
        return self.is_stopword(token) or (query_lang is not None and self.is_stopword(token, query_lang))

    def document_terms(self, text: str, lang: str) -> list[str]:
        """Index terms of a passage written in ``lang``."""
        lang = lang if lang in self.languages else "es"
        return [self.stem(token, lang) for token in self.tokens(text) if not self.is_stopword(token, lang)]

    def query_terms(self, text: str) -> list[QueryTerm]:
        """Query words with their stems in every language, query stopwords removed, repeated
        words kept once."""
        terms: list[QueryTerm] = []
        seen: set[frozenset[str]] = set()
        query_lang = self.query_language(text)
        for token in self.tokens(text):
            if self.is_query_stopword(token, query_lang):
                continue
            variants = {self.stem(token, lang) for lang in self.languages}
            if "pt" in self.languages:
                variants.add(self.stem(_restore_portuguese_accents(token), "pt"))
            variants = frozenset(variants)
            if variants not in seen:
                seen.add(variants)
                terms.append(QueryTerm(surface=token, variants=variants))
        return terms

    def content_words(self, text: str) -> list[str]:
        """The query's words as :meth:`query_terms` keeps them (before stemming, repeats kept)."""
        query_lang = self.query_language(text)
        return [token for token in self.tokens(text) if not self.is_query_stopword(token, query_lang)]

    def phrase_stems(self, text: str, lang: str) -> tuple[str, ...]:
        """Stems of a glossary phrase written in ``lang``, its stopwords removed."""
        return tuple(
            self.stem(token, lang) for token in self.tokens(text) if not self.is_query_stopword(token, lang)
        )


def _stopword_lists() -> Any:
    """bm25s's stopword module (the Snowball/NLTK lists, shipped as Python tuples), read
    without running the package's ``__init__``: that imports scipy, half a second of every
    search process's start for a few tuples of words."""
    loaded = sys.modules.get("bm25s.stopwords")
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec("bm25s")
    if spec is None or not spec.submodule_search_locations:
        from bm25s import stopwords

        return stopwords
    path = Path(next(iter(spec.submodule_search_locations))) / "stopwords.py"
    module_spec = importlib.util.spec_from_file_location("_compendium_bm25s_stopwords", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module
