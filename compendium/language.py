"""Language of a passage, restricted to the compendium's four languages.

py3langid (BSD, ~5 MB, deterministic) is accurate on paragraphs; on a few words ("Resultados"
is Spanish and Portuguese alike) no detector is, so short or low-confidence text takes the
language of its surroundings (the card) instead.
"""

from __future__ import annotations

from typing import Any

from compendium.taxonomy import LANGUAGES

_MIN_WORDS = 8
_MIN_CONFIDENCE = 0.9


class LanguageDetector:
    """Detects es/en/fr/pt; the model is loaded on first use."""

    def __init__(self, languages: tuple[str, ...] = LANGUAGES) -> None:
        self.languages = languages
        self._identifier: Any = None

    def detect(self, text: str, fallback: str | None = None) -> str | None:
        """Language code of ``text``; ``fallback`` when the text is too short or ambiguous."""
        if len(text.split()) < _MIN_WORDS and fallback is not None:
            return fallback
        if not text.strip():
            return fallback
        if self._identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            identifier.set_languages(list(self.languages))
            self._identifier = identifier
        language, confidence = self._identifier.classify(text)
        if confidence < _MIN_CONFIDENCE and fallback is not None:
            return fallback
        return str(language)
