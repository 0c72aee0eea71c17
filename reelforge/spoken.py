"""What the voice says, kept apart from what the screen shows.

A `say` text is split into sentences, and each shown word into the words the engine should speak
("30/06/2025" → "30 juin 2025" in French, "30 يونيو 2025" in Arabic). Each spoken fragment remembers
which shown word it came from, so word timings from the engine map back onto the shown words that
captions display.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Morocco names the months after the French ones in Arabic (يناير ... دجنبر).
MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "ar": ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
WORDS = {   # whole-token replacements, by language (case-sensitive keys)
    "fr": {"M.": "Monsieur", "Mme": "Madame", "Mlle": "Mademoiselle", "Dr": "Docteur", "km": "kilomètres",
           "etc.": "et cetera", "&": "et", "n°": "numéro", "N°": "numéro", "DH": "dirhams", "MAD": "dirhams"},
    "ar": {"&": "و", "د.م": "درهم", "DH": "درهم", "MAD": "درهم"},
    "en": {"&": "and", "Dr": "Doctor", "Mr.": "Mister"},
}
PERCENT = {"fr": "pour cent", "ar": "بالمائة", "en": "percent"}
HOURS = {"fr": ("heures", "heure"), "ar": ("ساعة", "ساعة"), "en": ("hours", "hour")}
DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
TIME = re.compile(r"^(\d{1,2})[hH:](\d{2})?$")
SENTENCE_END = re.compile(r"[.!?؟…]+[\"'»”)]*$")
PUNCT = re.compile(r"^([«\"'“(]*)(.*?)([.,;:!?؟،…»\"'”)]*)$")
ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


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
    lead, core, trail = PUNCT.match(word).groups()
    core = core.replace("\u0640", "").translate(ARABIC_INDIC)
    if core in WORDS.get(lang, {}):
        return lead + WORDS[lang][core] + trail
    if word in WORDS.get(lang, {}):
        return WORDS[lang][word]
    m = DATE.match(core)
    if m and 1 <= int(m[2]) <= 12 and lang in MONTHS:
        day = "1er" if (lang == "fr" and int(m[1]) == 1) else str(int(m[1]))
        return f"{lead}{day} {MONTHS[lang][int(m[2]) - 1]} {m[3]}{trail}"
    m = TIME.match(core)
    if m and int(m[1]) < 24 and lang in HOURS:
        hours = HOURS[lang][1 if int(m[1]) == 1 else 0]
        return f"{lead}{int(m[1])} {hours}" + (f" {int(m[2])}" if m[2] and int(m[2]) else "") + trail
    if core.endswith("%") and core[:-1].replace(",", "").replace(".", "").isdigit():
        return f"{lead}{core[:-1]} {PERCENT.get(lang, 'percent')}{trail}"
    if lang == "fr":   # thousands written with spaces or dots are read as one number
        core = re.sub(r"(?<=\d)[.\u202f\u00a0](?=\d{3}\b)", "", core)
    return lead + core + trail


def sentences(text: str, lang: str) -> list[Sentence]:
    """Split a `say` text into sentences of (shown, spoken) tokens."""
    out, current = [], []
    for word in text.split():
        current.append(Token(word, speak_word(word, lang)))
        if SENTENCE_END.search(word) and word not in WORDS.get(lang, {}):
            out.append(Sentence(tuple(current)))
            current = []
    if current:
        out.append(Sentence(tuple(current)))
    return out
