"""Which sections a question asks for, answered by :meth:`SectionIntents.asked` over only the
cues that can match it.

``asked`` tries every cue at every position of the question: some twenty milliseconds a
question, more than the rest of a keyword search over ten thousand passages. A cue matches
word for word, so a cue one of whose words the question lacks matches nothing and cannot
change the answer; this passes ``asked`` the few cues whose words all occur in the question,
in their original order (the order breaks ties between equally long cues).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from compendium.intents import SectionIntents, cue_words


@dataclass(frozen=True)
class CueShortlist:
    """The cues of ``intents`` indexed by their first word."""

    intents: SectionIntents
    by_first_word: dict[str, tuple[int, ...]]
    #: Cues of no words (which every question matches), always passed on.
    always: tuple[int, ...]

    @classmethod
    def of(cls, intents: SectionIntents) -> CueShortlist:
        """Index the cues of ``intents``."""
        lists: dict[str, list[int]] = {}
        always = []
        for position, (phrase, _key) in enumerate(intents.cues):
            if phrase:
                lists.setdefault(phrase[0], []).append(position)
            else:
                always.append(position)
        return cls(intents, {word: tuple(found) for word, found in lists.items()}, tuple(always))

    def asked(self, question: str) -> frozenset[str]:
        """What ``intents.asked(question)`` says, from the cues that can match."""
        words = set(cue_words(question))
        positions = set(self.always)
        cues = self.intents.cues
        for word in words:
            for position in self.by_first_word.get(word, ()):
                if all(part in words for part in cues[position][0]):
                    positions.add(position)
        shortlisted = replace(self.intents, cues=tuple(cues[position] for position in sorted(positions)))
        return shortlisted.asked(question)
