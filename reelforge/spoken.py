"""What the voice says, kept apart from what the screen shows.

A `say` text is split into sentences, and each shown word into the words the engine should speak
("30/06/2025" → "30 juin 2025" in French, "30 يونيو 2025" in Arabic). Each spoken fragment remembers
which shown word it came from, so word timings from the engine map back onto the shown words that
captions display. The spoken forms (times, dates, ordinals, signs, percentages, phone numbers) are
facts of each language (`reelforge.language`); this module only applies them:

- a pronunciation lexicon first (`pronounce:` of the brand kit and the script: written form → spoken),
- phone numbers in digit groups: "+212 6 12 34 56 78" → "plus 212, 6, 12, 34, 56, 78" / "زائد 212، 6، ..."
- dates and times: "1/6/2025" → "1er juin 2025" / "فاتح يونيو 2025"; "14:30" → "14 heures 30" /
  "الساعة الرابعة عشرة والنصف"; ordinals "2e" → "2ème"; signs "+5" → "plus 5"; "50 %" → "50 pour cent",
- Latin words inside Arabic are spoken with French rules and marked for the French voice (`Token.lang`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Optional

from .language import TO_WESTERN_DIGITS, ends_sentence, has_arabic, language, script_of

DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
TIME = re.compile(r"^(\d{1,2})(?:[hH](\d{2})?|:(\d{2}))$")
PUNCT = re.compile(r"^([«\"'“(]*)(.*?)([.,;:!?؟،…»\"'”)]*)$")
ORDINAL = re.compile(r"^(\d+)(er|re|ère|e|ème|è|ᵉ|eme)$")
SIGNED = re.compile(r"^([+\-−])(\d.*)$")
PERCENT = re.compile(r"^([+\-−]?)(\d+(?:[.,]\d+)?)%$|^%(\d+(?:[.,]\d+)?)$")
THOUSANDS = re.compile(r"^\d{1,3}(?:[.\u202f\u00a0]\d{3})+$")
DECIMAL = re.compile(r"^(\d+)[,٫](\d+)$")
PHONE_TOKEN = re.compile(r"^(\+|00)?\d[\d.\-]{7,}\d$")
GROUP = re.compile(r"^\+?\d{1,4}$")
PROCLITIC = re.compile(r"^([وفبل]{1,2})([+\-−%]?\d.*)$")


@dataclass(frozen=True)
class Token:
    shown: str       # the word as written in the script
    spoken: str      # what the engine is given for it
    lang: str = ""   # the language of the voice that reads it, when not the sentence's ("fr" in Arabic)


@dataclass(frozen=True)
class Sentence:
    tokens: tuple[Token, ...]

    @property
    def shown(self) -> str:
        return " ".join(t.shown for t in self.tokens)

    @property
    def spoken(self) -> str:
        return " ".join(t.spoken for t in self.tokens if t.spoken)

    def runs(self) -> list[tuple[str, str]]:
        """(voice language or "", spoken text) of each stretch read by one voice, in order."""
        out: list[list] = []
        for t in self.tokens:
            if not t.spoken:
                continue
            if out and out[-1][0] == t.lang:
                out[-1][1].append(t.spoken)
            else:
                out.append([t.lang, [t.spoken]])
        return [(lang, " ".join(words)) for lang, words in out]


def _split(word: str) -> tuple[str, str, str]:
    return PUNCT.match(word).groups()


def _core(word: str) -> str:
    return _split(word)[1].replace("\u0640", "").translate(TO_WESTERN_DIGITS)


def number(core: str, lang: str) -> str:
    """A number as the voice should get it: thousands separators dropped, decimals with the language's word."""
    facts = language(lang)
    if THOUSANDS.match(core):
        return re.sub(r"\D", "", core)
    m = DECIMAL.match(core)
    if m and facts.decimal:
        return f"{m[1]} {facts.decimal} {m[2]}"
    if lang == "fr":   # thousands written with spaces or dots are read as one number
        core = re.sub(r"(?<=\d)[.\u202f\u00a0](?=\d{3}\b)", "", core)
    return core


def speak_word(word: str, lang: str, before: str = "", after: str = "") -> str:
    """One shown word → the text to speak for it; `before` / `after` are the neighbouring words."""
    facts = language(lang)
    lead, _, trail = _split(word)
    core = _core(word)
    if core in facts.words:
        return lead + facts.words[core] + trail
    if word in facts.words:
        return facts.words[word]
    m = PROCLITIC.match(core) if facts.rtl else None
    if m:       # "و+20%", "ب30.000": the Arabic conjunction or preposition, then the number's spoken form
        return lead + m[1] + speak_word(m[2], lang, before, after) + trail
    m = DATE.match(core)
    if m and 1 <= int(m[2]) <= 12 and facts.months:
        day = facts.first_day if int(m[1]) == 1 else str(int(m[1]))
        return f"{lead}{day} {facts.months[int(m[2]) - 1]} {m[3]}{trail}"
    m = TIME.match(core)
    minute = int(m[2] or m[3] or 0) if m else 0
    if m and int(m[1]) < 24 and minute < 60 and facts.clock:
        return lead + facts.clock.say(int(m[1]), minute, _core(before)) + trail
    if core == "1" and _core(after) in facts.months:
        return lead + facts.first_day + trail
    m = ORDINAL.match(core)
    if m and facts.ordinals:
        n, suffix = int(m[1]), facts.ordinals[m[2]]
        spoken = {"er": "premier", "ère": "première"}.get(suffix) if n == 1 else f"{n}{suffix}"
        return lead + (spoken or f"{n}{suffix}") + trail
    m = PERCENT.match(core)
    if m:
        sign = facts.signs.get(m[1], m[1]) + " " if m[1] else ""
        return f"{lead}{sign}{number(m[2] or m[3], lang)} {facts.percent}{trail}"
    m = SIGNED.match(core)
    if m and m[1] in facts.signs and re.fullmatch(r"[\d.,٫\u202f\u00a0]+", m[2]):
        return f"{lead}{facts.signs[m[1]]} {number(m[2], lang)}{trail}"
    if core[:1].isdigit():
        return lead + number(core, lang) + trail
    return lead + core + trail


def _group(digits: str, lang: str) -> str:
    """One digit group of a phone number: "06" → "zéro 6", "00" → "zéro zéro", "212" → "212"."""
    facts = language(lang)
    zeros = len(digits) - len(digits.lstrip("0"))
    rest = digits[zeros:]
    return " ".join([facts.zero] * zeros + ([rest] if rest else []))


def _phone_groups(core: str) -> list[str]:
    """A phone number written as one token → its digit groups (separators kept, else pairs)."""
    plus = core.startswith("+")
    digits = core.lstrip("+")
    if re.search(r"[.\-]", digits):
        groups = [g for g in re.split(r"[.\-]", digits) if g]
    else:
        groups = []
        if plus and digits.startswith("212"):
            groups, digits = ["212", digits[3]], digits[4:]
        if len(digits) % 2:
            groups.append(digits[0])
            digits = digits[1:]
        groups += [digits[i:i + 2] for i in range(0, len(digits), 2)]
    return (["+" + groups[0]] + groups[1:]) if plus else groups


def _phone_span(words: list[str], i: int) -> int:
    """How many words from i form a phone number written in groups ("+212 6 12 34 56 78"), or 0."""
    first = _core(words[i])
    if not (GROUP.match(first) and first[0] in "+0"):
        return 0
    k, digits = 0, 0
    while i + k < len(words):
        lead, core, trail = _split(words[i + k])
        core = core.translate(TO_WESTERN_DIGITS)
        if lead or not GROUP.match(core) or (k and core.startswith("+")):
            break
        digits += len(core.lstrip("+"))
        k += 1
        if trail:
            break
    return k if k >= 3 and digits >= 9 else 0


def _phone(words: list[str], lang: str) -> list[str]:
    """The spoken form of each word of a phone number: digit groups, with the language's pause between."""
    facts = language(lang)

    def say(group: str) -> str:
        return f"{facts.signs.get('+', '+')} {_group(group[1:], lang)}" if group.startswith("+") else _group(group, lang)
    if len(words) == 1:
        lead, core, trail = _split(words[0])
        core = core.translate(TO_WESTERN_DIGITS)
        groups = _phone_groups("+" + core[2:] if core.startswith("00") else core)
        return [lead + f"{facts.pause} ".join(say(g) for g in groups) + trail]
    out = []
    for k, w in enumerate(words):
        lead, core, trail = _split(w)
        out.append(say(core.translate(TO_WESTERN_DIGITS)) + (trail if k == len(words) - 1 else facts.pause))
    return out


def _lexicon_span(words: list[str], i: int, lexicon: Mapping[str, str]) -> Optional[tuple[int, str, str, str]]:
    """The longest lexicon entry written at word i: (words it covers, punctuation before, spoken, after)."""
    for key in sorted(lexicon, key=lambda k: -len(k.split())):
        n = len(key.split())
        written = " ".join(words[i:i + n]).replace("\u0640", "")
        if n == 0 or i + n > len(words):
            continue
        if written == key:
            return n, "", lexicon[key], ""
        lead, trail = _split(words[i])[0], _split(words[i + n - 1])[2]
        if written[len(lead):len(written) - len(trail)] == key:
            return n, lead, lexicon[key], trail
    return None


def _latin(text: str) -> bool:
    return any(script_of(c) == "latin" for c in text) and not has_arabic(text)


def speak_words(words: list[str], lang: str, lexicon: Optional[Mapping[str, str]] = None) -> list[Token]:
    """The tokens of a `say` text: each shown word with what is spoken for it, and by which voice."""
    facts, lexicon = language(lang), lexicon or {}
    other = facts.latin_voice
    out: list[Token] = []
    i = 0
    while i < len(words):
        hit = _lexicon_span(words, i, lexicon)
        if hit:     # one spoken word per shown word when the counts agree, else all on the first
            n, lead, said, trail = hit
            pieces = said.split() if len(said.split()) == n else [said] + [""] * (n - 1)
            last = max(k for k, p in enumerate(pieces) if p)
            pieces[0], pieces[last] = lead + pieces[0], pieces[last] + trail
            if last == 0:
                pieces[0] = lead + said + trail
            voice = other if other and _latin(said) else ""
            out += [Token(w, p, voice if p else "") for w, p in zip(words[i:i + n], pieces)]
            i += n
            continue
        n = _phone_span(words, i) or (1 if PHONE_TOKEN.match(_core(words[i])) and
                                      sum(c.isdigit() for c in _core(words[i])) >= 9 else 0)
        if n:
            out += [Token(w, s) for w, s in zip(words[i:i + n], _phone(words[i:i + n], lang))]
            i += n
            continue
        word = words[i]
        before, after = (words[i - 1] if i else ""), (words[i + 1] if i + 1 < len(words) else "")
        if other and _latin(_core(word)) and speak_word(word, lang, before, after) == word:
            out.append(Token(word, speak_word(word, other, before, after), other))
        else:
            out.append(Token(word, speak_word(word, lang, before, after)))
        i += 1
    # a word with no letters between two words of the other voice is read by that voice too
    for k in range(1, len(out) - 1):
        t = out[k]
        if t.spoken and not t.lang and out[k - 1].lang and out[k - 1].lang == out[k + 1].lang \
                and not any(script_of(c) for c in t.spoken):
            out[k] = Token(t.shown, t.spoken, out[k - 1].lang)
    return out


def sentences(text: str, lang: str, lexicon: Optional[Mapping[str, str]] = None) -> list[Sentence]:
    """Split a `say` text into sentences of (shown, spoken) tokens; `lexicon` maps written forms to spoken ones."""
    out, current, words = [], [], language(lang).words
    for token in speak_words(text.split(), lang, lexicon):
        current.append(token)
        if ends_sentence(token.shown) and token.shown not in words:
            out.append(Sentence(tuple(current)))
            current = []
    if current:
        out.append(Sentence(tuple(current)))
    return out
