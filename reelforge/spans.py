"""Protected spans: the pieces of a text that read as one unit and must never be broken across lines
or caption events, and (when they are left-to-right inside Arabic) are shown as one left-to-right unit.

One tokenizer shared by on-screen wrapping (text.py), caption chunking and line breaking (captions/)
and sidecar bidi marks. Kinds:

    phone   +212 6 12 34 56 78, 05 22 00 00 00, 0600-000000
    date    30/06/2025, 1er juin, 30 يونيو 2025, juin 2025
    time    14:30, 14h30, 14 h 30
    number  a number with its unit or noun: 50 %, 200 DH, 1 500 DH, 18 ans, 30 سنة
    email   contact@jeunes.ma
    url     https://jeunes.ma/pass, www.jeunes.ma, jeunes.gov.ma
    latin   a run of Latin words inside Arabic text: Pass Jeunes
    name    a person's name: capitalised runs in Latin script (Mohamed Amine Benabdellah); in Arabic a
            run starting at a common first name or عبد, extended by first names, بن/ابن/بنت/أبو/أم +
            a word, family names written بن... (بنعبد الله) (محمد أمين بنعبد الله)

Words are separated by breakable spaces only: U+00A0 and U+202F (no-break spaces) join their words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .language import LANGUAGES, has_arabic, is_arabic, language, script_of

BREAK = re.compile(r"[^\S\u00a0\u202f\u2007]+")  # whitespace a line may break at
TATWEEL = "\u0640"

D = r"[0-9٠-٩]"
SEP = r"[ \u00a0\u202f.\-]"
MONTHS = "|".join(sorted({m for lang in LANGUAGES.values() for m in lang.months}, key=len, reverse=True))
LATIN = r"A-Za-zÀ-ÖØ-öø-ɏ"
PATTERNS = (      # (kind, pattern): earlier kinds win where two overlap
    ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ("url", r"(?:https?://|www\.)[^\s]+|\b[\w-]+(?:\.[\w-]+)*\.(?:ma|com|org|net|fr|info)\b(?:/[^\s]*)?"),
    ("phone", rf"(?:\+{D}{{1,3}}|\b00{D}{{1,3}}|\b0{D}){SEP}?{D}+(?:{SEP}?{D}+){{1,5}}"),
    ("date", rf"\b{D}{{1,2}}[/.\-]{D}{{1,2}}[/.\-]{D}{{2,4}}\b"),
    ("date", rf"(?:\b{D}{{1,2}}(?:er)?|فاتح)[ \u00a0\u202f]+(?:{MONTHS})(?:[ \u00a0\u202f]+{D}{{4}})?(?![\w])"
             rf"|(?<![\w])(?:{MONTHS})[ \u00a0\u202f]+{D}{{4}}\b"),
    ("time", rf"\b{D}{{1,2}}(?::{D}{{2}}|[ \u00a0\u202f]?[hH](?:[ \u00a0\u202f]?{D}{{2}})?)(?![\w])"),
    ("number", rf"(?<![\w.,/:\-+]){D}{{1,3}}(?:[ \u00a0\u202f.]{D}{{3}})+(?:,{D}+)?(?:[ \u00a0\u202f]*(?:%|[^\W\d_]+\.?))?"
               rf"|(?<![\w.,/:\-+]){D}+(?:[.,]{D}+)?(?:[ \u00a0\u202f]*(?:%|[^\W\d_]+\.?))?"),
)
TRAIL = ".,;:!?؟،)»\"'”"
ARABIC_NAME_LEAD = ("بن", "ابن", "بنت", "أبو", "أبي", "أم", "عبد")
CAPITAL = re.compile(rf"^[«\"'(]*[A-ZÀ-ÖØ-Þ][{LATIN}'’-]+[{TRAIL}]*$")
LATIN_PARTICLES = {"de", "ben", "el", "al", "ait", "aït", "ou", "bel"}


@dataclass(frozen=True)
class Span:
    start: int            # character offsets into the text, end exclusive
    end: int
    kind: str

    def ltr(self, text: str) -> bool:
        """Shown as one left-to-right unit inside Arabic: no Arabic letter in it."""
        return not any(script_of(c) == "arabic" for c in text[self.start:self.end])


def words(text: str) -> list[str]:
    """The text split at breakable spaces: '05 22 00 00 00' (no-break spaces) stays one word."""
    return [w for w in BREAK.split(text) if w]


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\s]+", text)]


def _names(text: str, lang: str) -> list[Span]:
    """Person names and Latin runs, word by word (see the module docstring)."""
    out, toks = [], _word_spans(text)
    first = language("ar").first_names
    arabic = has_arabic(text)
    i = 0
    while i < len(toks):
        w = text[toks[i][0]:toks[i][1]].strip(TRAIL + "«(\"'")
        j = i
        if arabic and script_of(w[:1] or " ") == "latin":                    # Latin run inside Arabic
            while j + 1 < len(toks) and script_of(text[toks[j + 1][0]]) in ("latin", None) \
                    and not has_arabic(text[toks[j + 1][0]:toks[j + 1][1]].strip(TRAIL)) \
                    and text[toks[j][1] - 1] not in TRAIL:
                j += 1
            kind = "latin"
        elif w in first or w.startswith("عبد"):                              # Arabic names
            while j + 1 < len(toks) and text[toks[j][1] - 1] not in TRAIL:
                nxt = text[toks[j + 1][0]:toks[j + 1][1]].strip(TRAIL)
                cur = text[toks[j][0]:toks[j][1]]
                if nxt in first or nxt.startswith(ARABIC_NAME_LEAD) or cur in ARABIC_NAME_LEAD \
                        or cur.startswith(("عبد", "بنعبد")) and nxt.startswith("ال"):
                    j += 1
                else:
                    break
            kind = "name"
        elif CAPITAL.match(text[toks[i][0]:toks[i][1]]) and not arabic:      # capitalised Latin runs
            if (i == 0 or text[toks[i - 1][1] - 1] in ".!?…") and w not in language("fr").first_names:
                i += 1      # a sentence's first word is capitalised anyway: a name only if it is one
                continue
            while j + 1 < len(toks) and text[toks[j][1] - 1] not in TRAIL:
                nxt = text[toks[j + 1][0]:toks[j + 1][1]]
                if CAPITAL.match(nxt) or (nxt.lower() in LATIN_PARTICLES and j + 2 < len(toks)
                                          and CAPITAL.match(text[toks[j + 2][0]:toks[j + 2][1]])):
                    j += 1
                else:
                    break
            kind = "name"
        if j > i:
            end = toks[j][1]
            while end > toks[j][0] + 1 and text[end - 1] in TRAIL:
                end -= 1
            out.append(Span(toks[i][0], end, kind))
        i = j + 1
    return out


def find(text: str, lang: str = "") -> list[Span]:
    """The protected spans of a text, in order, not overlapping (longest first where two start together)."""
    found = [Span(m.start(), m.end(), kind) for kind, pattern in PATTERNS for m in re.finditer(pattern, text)]
    found = [_unit_not_weak(text, _trim(text, s)) for s in found]
    found += _names(text, lang)
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for s in found:
        if s.end - s.start < 1:
            continue
        if out and s.start < out[-1].end:
            if s.end > out[-1].end:     # overlapping: one span covers both
                out[-1] = Span(out[-1].start, s.end, out[-1].kind)
            continue
        out.append(s)
    return out


def _unit_not_weak(text: str, s: Span) -> Span:
    """A number's noun is a noun: `30 على` keeps only the number, and so does `78 Mohamed` (a name
    follows; units are lower case or capitals: `18 ans`, `200 DH`)."""
    if s.kind == "number":
        m = re.search(r"[ \u00a0\u202f]*([^\W\d_]+)\.?$", text[s.start:s.end])
        titled = m is not None and m[1][:1].isupper() and m[1][1:2].islower()     # `78 Mohamed`: a name, not a unit
        if m and (titled or any(m[1].lower() in lang.weak or m[1] in lang.months for lang in LANGUAGES.values())):
            return Span(s.start, s.start + m.start(), s.kind)
    return s


def _trim(text: str, s: Span) -> Span:
    end = s.end
    while end > s.start + 1 and text[end - 1] in TRAIL:
        end -= 1
    while end > s.start and text[end - 1].isspace():
        end -= 1
    return Span(s.start, end, s.kind)


def ltr_spans(text: str) -> list[Span]:
    """Spans shown as one left-to-right unit inside Arabic (numbers, dates, Latin names...)."""
    return [s for s in find(text) if s.ltr(text)] if has_arabic(text) else []


# -- where a line may break ------------------------------------------------------------------

FREE, SOFT, HARD = 0, 1, 2
GLUE_BEFORE = set("!?:;%»…)]؟")      # a word made only of these leans on the word before
GLUE_AFTER = set("«([•")             # ...and of these on the word after


def strip_word(word: str) -> str:
    return re.sub(r"^[«\"'“(]+|[.,;:!?؟،…»\"'”)]+$", "", word).lower().replace(TATWEEL, "")


def weak(word: str, lang: str) -> bool:
    """A word a line or caption must not end on: it leans on the next (articles, prepositions...)."""
    if re.search(r"[.,;:!?؟،…»)]$", word):
        return False
    w = strip_word(word)
    return w in language(lang).weak or (lang == "fr" and re.fullmatch(r"[ldjmnstc]'|qu'|jusqu'", w) is not None)


def _idafa(a: str, b: str, lang: str) -> bool:
    """Arabic construct state read as one unit (ولي الأمر, جواز الشباب): an indefinite noun then a
    definite one. A guess, so only a soft join."""
    return lang == "ar" and not a.startswith("ال") and b.startswith("ال") and not re.search(r"[.،؟!:]$", a) \
        and len(a) > 2 and is_arabic(a[0]) and not weak(a, lang)


def joins(ws: list[str], lang: str) -> list[int]:
    """For each gap between word i and i+1: FREE (a line may break there), SOFT (better not: after a
    weak word, inside an idafa) or HARD (never: inside a protected span, before `!`, after `«`)."""
    text = " ".join(ws)
    gaps, pos = [], 0
    for w in ws[:-1]:
        pos += len(w)
        gaps.append(pos)
        pos += 1
    out = [FREE] * len(gaps)
    for s in find(text, lang):
        for k, g in enumerate(gaps):
            if s.start < g < s.end:
                out[k] = HARD
    for k in range(len(gaps)):
        a, b = ws[k], ws[k + 1]
        if set(b) <= GLUE_BEFORE or set(a) <= GLUE_AFTER:
            out[k] = HARD
        elif out[k] == FREE and (weak(a, lang) or _idafa(a, b, lang)):
            out[k] = SOFT
    return out


def units(ws: list[str], lang: str, fits=None, soft: bool = True) -> list[list[int]]:
    """Word indices grouped into the units a line may not break inside: across HARD and SOFT joins
    (only HARD ones when not `soft`); where a unit does not `fits(indices)`, across HARD joins only,
    and as a last resort (a span longer than a line) word by word."""
    if not ws:
        return []
    j = joins(ws, lang) + [FREE]

    def split(idx, level):
        out = [[idx[0]]]
        for i in idx[1:]:
            if j[i - 1] >= level:
                out[-1].append(i)
            else:
                out.append([i])
        return out
    out = []
    for u in split(list(range(len(ws))), SOFT if soft else HARD):
        if fits is None or fits(u):
            out.append(u)
            continue
        for h in split(u, HARD):
            out += [h] if fits(h) else [[i] for i in h]
    return out


# -- typography ------------------------------------------------------------------------------

THIN = "\u202f"
BEFORE_MARK = re.compile(r"(?<=[\w»)%\u0640])[ \u00a0\u202f]?([;:!?]+)(?=\s|$|»)")


def typeset(text: str, lang: str, spacing: bool = True) -> str:
    """French typographic spacing: a thin no-break space before ; : ! ? and inside « » (not in times
    or URLs: only where the mark ends a word)."""
    if lang != "fr" or not spacing:
        return text
    text = BEFORE_MARK.sub(THIN + r"\1", text)
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + THIN, text)
    return re.sub(r"[ \u00a0\u202f]*»", THIN + "»", text)


# -- sidecar bidi --------------------------------------------------------------------------

LRI, PDI = "\u2066", "\u2069"


def isolate(line: str) -> str:
    """Each left-to-right span and run inside an Arabic line wrapped in LRI … PDI, so a player following
    the Unicode bidi algorithm shows it as one unit in its natural order (+212 6 12 34 56 78)."""
    if not has_arabic(line):
        return line
    marks = [(s.start, s.end) for s in ltr_spans(line)]
    # remaining bare digit/Latin runs (a lone number) are isolated too
    covered = [False] * len(line)
    for a, b in marks:
        covered[a:b] = [True] * (b - a)
    for m in re.finditer(rf"[{LATIN}0-9][{LATIN}0-9'’\-./:@%]*", line):
        if not any(covered[m.start():m.end()]):
            marks.append((m.start(), _trim(line, Span(m.start(), m.end(), "")).end))
    out, pos = [], 0
    for a, b in sorted(marks):
        out += [line[pos:a], LRI, line[a:b], PDI]
        pos = b
    return "".join(out) + line[pos:]
