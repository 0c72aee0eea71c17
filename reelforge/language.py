"""What reelforge knows about each language, in one place: direction, script, reading and speaking
speeds, the words a caption line must not end on, and how numbers, dates and hours are read aloud.

Also the script of a character (Arabic, Tifinagh, Latin) and where a sentence ends, for every module
that lays out, captions, speaks or times text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
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
    clock: Optional["Clock"] = None   # how 14:30 / 14h30 is read (none: as written)
    first_day: str = "1"              # the 1st of a month in dates: "1er", "فاتح"
    ordinals: Mapping[str, str] = field(default_factory=dict)   # suffix as written -> as spoken ("e" -> "ème")
    signs: Mapping[str, str] = field(default_factory=dict)      # "+" / "-" before a number
    zero: str = "0"                   # a leading zero of a phone number's digit group
    pause: str = ","                  # between the digit groups of a phone number
    decimal: Optional[str] = None     # the word between a decimal number's parts (none: the voice reads "2,5")
    latin_voice: Optional[str] = None  # language of the voice that reads Latin words inside this language
    # layout rules shared by on-screen wrapping, caption segmentation and lint (reelforge/spans.py)
    first_names: frozenset = frozenset()   # a person's name starts here (Arabic: no capitals to go by)
    spacing: bool = False             # typographic spacing: thin no-break space before ; : ! ? and in « »

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


@dataclass(frozen=True)
class Clock:
    """How a time of day is read aloud: "14:30" -> "14 heures 30" / "الساعة الرابعة عشرة والنصف"."""
    hours: tuple[str, ...]            # the spoken hour for 0..23 ("{h}" is the number)
    minutes: str = "{m}"              # any other minute ("{m}" is the number)
    few_minutes: str = ""             # 3..10 minutes, when the language counts them differently
    fractions: Mapping[int, str] = field(default_factory=dict)   # minutes said as words: 30 -> "والنصف"
    prefix: str = ""                  # said before the hour unless the text has just said it

    def say(self, hour: int, minute: int, before: str = "") -> str:
        words = [self.prefix] if self.prefix and before != self.prefix else []
        words.append(self.hours[hour].format(h=hour))
        if minute:
            pattern = self.few_minutes if self.few_minutes and 3 <= minute <= 10 else self.minutes
            words.append(self.fractions.get(minute) or pattern.format(m=minute))
        return " ".join(words)


# Arabic hours are feminine ordinals (الساعة الرابعة عشرة), as Moroccan radio and administrations say them.
ARABIC_HOURS = ("الثانية عشرة ليلا", "الواحدة", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة",
                "الثامنة", "التاسعة", "العاشرة", "الحادية عشرة", "الثانية عشرة", "الثالثة عشرة", "الرابعة عشرة",
                "الخامسة عشرة", "السادسة عشرة", "السابعة عشرة", "الثامنة عشرة", "التاسعة عشرة", "العشرون",
                "الحادية والعشرون", "الثانية والعشرون", "الثالثة والعشرون")

LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (
    Language(
        "ar", "Arabic", "rtl", "arabic", speaking_cps=14.0, reading_cps=20.0,
        weak=frozenset({"في", "من", "على", "إلى", "الى", "عن", "مع", "و", "أو", "ثم", "بين", "حتى", "منذ", "عند", "لدى",
                        "نحو", "هذا", "هذه", "ذلك", "تلك", "الذي", "التي", "أن", "إن", "قبل", "بعد", "ب", "ل", "ك", "لـ",
                        "يا", "لا", "ما", "كل", "أي", "لكن", "لأن", "كي", "عبر", "خلال", "ضد", "دون", "غير"}),
        first_names=frozenset({"محمد", "أحمد", "أمين", "يوسف", "ياسين", "عمر", "علي", "حسن", "حسين", "إبراهيم",
                               "إسماعيل", "مهدي", "المهدي", "عثمان", "سعيد", "رشيد", "كريم", "حمزة", "أيوب", "أنس",
                               "فاطمة", "فاطمة الزهراء", "خديجة", "مريم", "سارة", "سلمى", "هند", "نادية", "زينب",
                               "أسماء", "إيمان", "هاجر", "سكينة", "نور", "ليلى", "عائشة", "آمنة", "كوثر", "وئام"}),
        # Morocco names the months after the French ones in Arabic (يناير ... دجنبر).
        months=("يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"),
        words={"&": "و", "د.م": "درهم", "DH": "درهم", "MAD": "درهم", "%": "بالمائة", "+": "زائد"},
        percent="بالمائة", first_day="فاتح", signs={"+": "زائد", "-": "ناقص", "−": "ناقص"}, zero="صفر", pause="،",
        decimal="فاصل", latin_voice="fr",
        clock=Clock(ARABIC_HOURS, minutes="و{m} دقيقة", few_minutes="و{m} دقائق",
                    fractions={1: "ودقيقة", 2: "ودقيقتان", 15: "والربع", 20: "والثلث", 30: "والنصف"},
                    prefix="الساعة")),
    Language(
        "fr", "French", speaking_cps=15.0,
        weak=frozenset({"de", "du", "des", "la", "le", "les", "l'", "un", "une", "au", "aux", "à", "en", "et", "ou",
                        "pour", "par", "sur", "dans", "avec", "sans", "ce", "cet", "cette", "ces", "son", "sa", "ses",
                        "mon", "ma", "mes", "ton", "ta", "tes", "notre", "votre", "leur", "leurs", "que", "qui", "d'",
                        "chez", "entre", "vers", "jusqu'", "jusqu'à", "ne", "n'", "je", "j'", "tu", "il", "elle",
                        "on", "nous", "vous", "ils", "elles", "se", "s'", "si", "mais", "comme", "dont", "qu'",
                        "nos", "vos", "très", "puis", "car", "donc", "ni", "soit"}),
        spacing=True,
        first_names=frozenset({"Mohamed", "Mohammed", "Ahmed", "Amine", "Youssef", "Yassine", "Omar", "Ali", "Hassan",
                               "Mehdi", "Othmane", "Said", "Saïd", "Rachid", "Karim", "Hamza", "Ayoub", "Anas",
                               "Fatima", "Fatima-Zahra", "Khadija", "Meryem", "Maryam", "Sara", "Salma", "Hind",
                               "Nadia", "Zineb", "Asmae", "Imane", "Hajar", "Kawtar", "Nour", "Leila", "Aicha"}),
        months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                "novembre", "décembre"),
        words={"M.": "Monsieur", "Mme": "Madame", "Mlle": "Mademoiselle", "Dr": "Docteur", "km": "kilomètres",
               "etc.": "et cetera", "&": "et", "n°": "numéro", "N°": "numéro", "DH": "dirhams", "MAD": "dirhams",
               # names espeak-ng's French rules hand to its English voice ("Mohamed" /məʊhˈamɪd/)
               "Mohamed": "Mohamède", "Mohammed": "Mohamède", "Ahmed": "Ahmède", "Othmane": "Otmane",
               "Said": "Saïd"},
        percent="pour cent", first_day="1er", signs={"+": "plus", "-": "moins", "−": "moins"}, zero="zéro",
        ordinals={"er": "er", "re": "ère", "ère": "ère", "e": "ème", "ème": "ème", "è": "ème", "ᵉ": "ème", "eme": "ème"},
        clock=Clock(("{h} heure", "{h} heure") + ("{h} heures",) * 22)),
    Language("zgh", "Tamazight (Tifinagh)", "ltr", "tifinagh", speaking_cps=12.0),
    Language(
        "en", "English", speaking_cps=15.0,
        weak=frozenset({"the", "a", "an", "of", "to", "in", "on", "at", "for", "and", "or", "with", "by", "from"}),
        months=("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"),
        words={"&": "and", "Dr": "Doctor", "Mr.": "Mister"},
        signs={"+": "plus", "-": "minus", "−": "minus"}, zero="zero",
        clock=Clock(("{h} hours", "{h} hour") + ("{h} hours",) * 22)),
)}


def language(code: str) -> Language:
    """The record of a language code; an unknown code gets left-to-right Latin defaults."""
    return LANGUAGES.get(code) or Language(code, code)


ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFE))


_ARABIC = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ARABIC_BLOCKS) + "]")


@lru_cache(maxsize=None)            # per character: layout asks ~20,000 times per validation
def is_arabic(ch: str) -> bool:
    """A character of the Arabic blocks: letters, marks, but also Arabic digits and punctuation."""
    o = ord(ch)
    return any(a <= o <= b for a, b in ARABIC_BLOCKS)


def has_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None


@lru_cache(maxsize=None)
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
