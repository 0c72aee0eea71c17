"""What the voice says, kept apart from what the screen shows.

A `say` text is split into sentences, and each shown word into the words the engine should speak
("30/06/2025" → "30 juin 2025" in French, "30 يونيو 2025" in Arabic). Each spoken fragment remembers
which shown word it came from, so word timings from the engine map back onto the shown words that
captions display.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .language import TO_WESTERN_DIGITS, ends_sentence, language

DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
TIME = re.compile(r"^(\d{1,2})[hH:](\d{2})?$")
PUNCT = re.compile(r"^([«\"'“(]*)(.*?)([.,;:!?؟،…»\"'”)]*)$")


@dataclass(frozen=True)
class Token:
    shown: str       # the word as written in the script
    spoken: str      # what the engine is given for it


@dataclass(frozen=True)
class Sentence:
    tokens: tuple[Token, ...]

    @property
    def shown(self) -> str:
        return " ".join(t.shown for t in self.tokens)

    @property
    def spoken(self) -> str:
        return " ".join(t.spoken for t in self.tokens if t.spoken)

    def token_at(self) -> list[int]:
        """For each character of `spoken`, the index of the token it came from."""
        out: list[int] = []
        first = True
        for i, t in enumerate(self.tokens):
            if not t.spoken:
                continue
            if not first:
                out.append(i)        # the joining space belongs to the next token
            out.extend([i] * len(t.spoken))
            first = False
        return out


def speak_word(word: str, lang: str) -> str:
    """One shown word → the text to speak for it."""
    facts = language(lang)
    lead, core, trail = PUNCT.match(word).groups()
    core = core.replace("\u0640", "").translate(TO_WESTERN_DIGITS)
    if core in facts.words:
        return lead + facts.words[core] + trail
    if word in facts.words:
        return facts.words[word]
    m = DATE.match(core)
    if m and 1 <= int(m[2]) <= 12 and facts.months:
        day = "1er" if (lang == "fr" and int(m[1]) == 1) else str(int(m[1]))
        return f"{lead}{day} {facts.months[int(m[2]) - 1]} {m[3]}{trail}"
    m = TIME.match(core)
    if m and int(m[1]) < 24 and facts.hours:
        hours = facts.hours[1 if int(m[1]) == 1 else 0]
        return f"{lead}{int(m[1])} {hours}" + (f" {int(m[2])}" if m[2] and int(m[2]) else "") + trail
    if core.endswith("%") and core[:-1].replace(",", "").replace(".", "").isdigit():
        return f"{lead}{core[:-1]} {facts.percent}{trail}"
    if lang == "fr":   # thousands written with spaces or dots are read as one number
        core = re.sub(r"(?<=\d)[.\u202f\u00a0](?=\d{3}\b)", "", core)
    return lead + core + trail


def sentences(text: str, lang: str) -> list[Sentence]:
    """Split a `say` text into sentences of (shown, spoken) tokens."""
    out, current, words = [], [], language(lang).words
    for word in text.split():
        current.append(Token(word, speak_word(word, lang)))
        if ends_sentence(word) and word not in words:
            out.append(Sentence(tuple(current)))
            current = []
    if current:
        out.append(Sentence(tuple(current)))
    return out
