"""What reelforge knows about each language, in one place: direction, script, reading and speaking
speeds, the words a caption line must not end on, and how numbers, dates and hours are read aloud.

Also the script of a character (Arabic, Tifinagh, Latin) and where a sentence ends, for every module
that lays out, captions, speaks or times text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Mapping, Optional

SENTENCE_END = re.compile(r"[.!?؟…]+[\"'»”)]*$")     # a word that ends a sentence, closing quotes allowed
TO_WESTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")   # Arabic-Indic, Persian


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    direction: str = "ltr"            # ltr | rtl
    script: str = "latin"             # arabic | latin | tifinagh
    speaking_cps: float = 15.0        # characters a second of voice: estimated speech times
    reading_cps: float = 17.0         # characters a second a viewer reads: the captions' default limit
    weak: frozenset = frozenset()     # words a caption line must not end on: they lean on the next word
    months: tuple[str, ...] = ()      # read aloud in dates (none: dates are read as written)
    words: Mapping[str, str] = field(default_factory=dict)   # whole-token replacements when spoken
    percent: str = "percent"
    hours: Optional[tuple[str, str]] = None                  # plural, singular (none: 14h30 read as written)

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (
    Language(
        "ar", "Arabic", "rtl", "arabic", speaking_cps=14.0, reading_cps=20.0,
        weak=frozenset({"في", "من", "على", "إلى", "الى", "عن", "مع", "و", "أو", "ثم", "بين", "حتى", "منذ", "عند", "لدى",
                        "نحو", "هذا", "هذه", "ذلك", "تلك", "الذي", "التي", "أن", "إن", "قبل", "بعد"}),
        # Morocco names the months after the French ones in Arabic (يناير ... دجنبر).
        months=("يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"),
        words={"&": "و", "د.م": "درهم", "DH": "درهم", "MAD": "درهم"},
        percent="بالمائة", hours=("ساعة", "ساعة")),
    Language(
        "fr", "French", speaking_cps=15.0,
        weak=frozenset({"de", "du", "des", "la", "le", "les", "l'", "un", "une", "au", "aux", "à", "en", "et", "ou",
                        "pour", "par", "sur", "dans", "avec", "sans", "ce", "cet", "cette", "ces", "son", "sa", "ses",
                        "mon", "ma", "mes", "ton", "ta", "tes", "notre", "votre", "leur", "leurs", "que", "qui", "d'",
                        "chez", "entre"}),
        months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                "novembre", "décembre"),
        words={"M.": "Monsieur", "Mme": "Madame", "Mlle": "Mademoiselle", "Dr": "Docteur", "km": "kilomètres",
               "etc.": "et cetera", "&": "et", "n°": "numéro", "N°": "numéro", "DH": "dirhams", "MAD": "dirhams"},
        percent="pour cent", hours=("heures", "heure")),
    Language("zgh", "Tamazight (Tifinagh)", "ltr", "tifinagh", speaking_cps=12.0),
    Language(
        "en", "English", speaking_cps=15.0,
        weak=frozenset({"the", "a", "an", "of", "to", "in", "on", "at", "for", "and", "or", "with", "by", "from"}),
        months=("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"),
        words={"&": "and", "Dr": "Doctor", "Mr.": "Mister"},
        hours=("hours", "hour")),
)}


def language(code: str) -> Language:
    """The record of a language code; an unknown code gets left-to-right Latin defaults."""
    return LANGUAGES.get(code) or Language(code, code)


ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFE))


def is_arabic(ch: str) -> bool:
    """A character of the Arabic blocks: letters, marks, but also Arabic digits and punctuation."""
    o = ord(ch)
    return any(a <= o <= b for a, b in ARABIC_BLOCKS)


def has_arabic(text: str) -> bool:
    return any(is_arabic(c) for c in text)


def script_of(ch: str) -> Optional[str]:
    """arabic | tifinagh | latin for letters; None for neutrals (spaces, digits, punctuation)."""
    if is_arabic(ch):
        return "arabic" if unicodedata.category(ch)[0] in "LM" else None
    if 0x2D30 <= ord(ch) <= 0x2D7F:
        return "tifinagh"
    if unicodedata.category(ch)[0] == "L":
        return "latin"
    return None


def ends_sentence(word: str) -> bool:
    return SENTENCE_END.search(word) is not None
