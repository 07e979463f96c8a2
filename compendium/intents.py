"""Which sections a question asks for, from the words it uses ("who funded" -> funding,
"qui contacter" -> contacts), in any of the four languages.

Cues are matched as whole folded words, never as stems: a stemmer gives "cooperación" and
"cooperativa" one stem, and nearly every question of this field names a cooperative, so a
stemmed cue made almost every question ask for the *cooperation* section. The cue list
(``data/sections.tsv``, kind ``intent``) therefore spells out the word forms it accepts.

A question about a rate ("how much does each member pay a month?", kind ``rate``) does not ask
for the funding section, even when it says "pay" or "cost": that section tells where the
practice's money came from, while fees, dues and stipends are told where the practice says how
it works or keeps going. Such a question's rate cues rule the section out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from compendium.textnorm import fold

_WORD = re.compile(r"\w+")


def cue_words(text: str) -> tuple[str, ...]:
    """Folded words of ``text`` ("Qui contacter ?" -> ("qui", "contacter"))."""
    return tuple(_WORD.findall(fold(text)))


@dataclass(frozen=True)
class SectionIntents:
    """Cue phrases (as folded word tuples) and the section key each one asks for."""

    cues: tuple[tuple[tuple[str, ...], str], ...]
    #: Rate cue phrases and the section key each one rules out.
    rates: tuple[tuple[tuple[str, ...], str], ...] = ()

    @classmethod
    def from_taxonomy(cls) -> SectionIntents:
        """The cues the taxonomy table ships."""
        from compendium.taxonomy import load_taxonomy

        taxonomy = load_taxonomy()
        cues = {(cue_words(intent.text), intent.key) for intent in taxonomy.intents}
        rates = {(cue_words(rate.text), rate.key) for rate in taxonomy.rates}
        return cls(tuple(sorted(cue for cue in cues if cue[0])), tuple(sorted(r for r in rates if r[0])))

    def ruled_out(self, question: str) -> frozenset[str]:
        """Section keys that ``question``'s rate cues rule out ("per month" -> funding)."""
        words = cue_words(question)
        return frozenset(key for phrase, key in self.rates if _occurs(phrase, words))

    def asked(self, question: str) -> frozenset[str]:
        """Section keys whose cues occur in ``question``, word for word, less those its rate
        cues rule out. A longer cue claims its words first: "número de teléfono" asks for
        contacts, not for the results that "número de" alone would."""
        words = cue_words(question)
        matches = [
            (len(phrase), start, key)
            for phrase, key in self.cues
            for start in range(len(words) - len(phrase) + 1)
            if words[start : start + len(phrase)] == phrase
        ]
        claimed: set[int] = set()
        found = set()
        for size, start, key in sorted(matches, key=lambda match: (-match[0], match[1])):
            span = set(range(start, start + size))
            if span & claimed:
                continue
            claimed |= span
            found.add(key)
        return frozenset(found) - self.ruled_out(question)


def _occurs(phrase: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """``phrase`` occurs in ``words``, word for word."""
    size = len(phrase)
    return any(words[start : start + size] == phrase for start in range(len(words) - size + 1))
