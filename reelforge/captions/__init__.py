"""Captions from timed words: segmentation and timing shared by every style, and SRT/WebVTT sidecars.

Rules (Netflix timed-text defaults; a template's `captions:` overrides them, per language): at most 42
characters a line and 2 lines for block captions, events between 5/6 s and 7 s, at least 2 frames apart,
sentences never merged, and no line or event ends on an article or preposition. Social styles show a few words at a time.

A caption style (`subtitles: {style: ...}`) is one file, found through the `reelforge.captions` registry:
an object with

    name: str
    events(words, lang, fps, until=None, rules=DEFAULT) -> list[Event]
        the spoken words (`.text`, `.start`, `.end`, seconds into the scene) cut into timed events;
        `until` is the scene's end, `rules` the template's CaptionRules for `lang`
    items(event, box, style) -> list[timeline.Item]
        how one event is burned in: items of kind "caption" (drawn as text) in the pixel `box` of the
        caption band, in the brand's caption TextStyle

Built-ins: block.py, karaoke.py, word.py. Sidecar files always use block events.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..language import SENTENCE_END, is_arabic, language
from ..model import CaptionRules
from ..tts import Word

DEFAULT = CaptionRules()
RLM = "\u200f"


@dataclass(frozen=True)
class Event:
    start: float
    end: float
    lines: tuple[str, ...]
    words: tuple = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def weak(word: str, lang: str) -> bool:
    w = re.sub(r"^[«\"'“(]+|[.,;:!?؟،…»\"'”)]+$", "", word).lower()
    return w in language(lang).weak or (lang == "fr" and re.fullmatch(r"[ldjmnstc]'", w) is not None)


def sentences_of(words: Sequence[Word]) -> list[list[Word]]:
    out, cur = [], []
    for w in words:
        cur.append(w)
        if SENTENCE_END.search(w.text):
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def chunk(words: list[Word], lang: str, max_chars: int, max_seconds: float, max_words: int = 99,
          fits=None) -> list[list[Word]]:
    """Greedy groups within a sentence, never ending a group on a weak word when it can be helped.
    `fits(group)` may add a layout condition (block captions: it must break into lines that fit)."""
    groups, cur = [], []
    for w in words:
        length = len(" ".join(x.text for x in cur + [w]))
        if cur and (length > max_chars or w.end - cur[0].start > max_seconds or len(cur) >= max_words
                    or (fits is not None and not fits(cur + [w]))):
            carry = []
            while len(cur) > 1 and weak(cur[-1].text, lang):
                carry.insert(0, cur.pop())
            groups.append(cur)
            cur = carry
        cur.append(w)
    if cur:
        groups.append(cur)
    # no orphan: a sentence's last word joins the group before it when that stays readable
    if len(groups) > 1 and len(groups[-1]) == 1 and len(groups[-2]) < max_words + 1 \
            and len(" ".join(w.text for w in groups[-2] + groups[-1])) <= max_chars * 1.3 \
            and groups[-1][0].end - groups[-2][0].start <= max_seconds \
            and (fits is None or fits(groups[-2] + groups[-1])):
        groups[-2:] = [groups[-2] + groups[-1]]
    return groups


def break_lines(words: list[Word], lang: str, rules: CaptionRules = DEFAULT) -> tuple[str, ...]:
    """One line if it fits, else the most balanced break into two, not after a weak word."""
    text = " ".join(w.text for w in words)
    if len(text) <= rules.max_line or len(words) < 2 or rules.max_lines < 2:
        return (text,)
    best = None
    for i in range(1, len(words)):
        a, b = " ".join(w.text for w in words[:i]), " ".join(w.text for w in words[i:])
        cost = abs(len(a) - len(b)) + (1000 if max(len(a), len(b)) > rules.max_line else 0) \
            + (30 if weak(words[i - 1].text, lang) else 0)
        if best is None or cost < best[0]:
            best = (cost, (a, b))
    return best[1]


def timed(groups: Iterable[list[Word]], fps: int, lines_of=None, until: float | None = None,
          rules: CaptionRules = DEFAULT) -> list[Event]:
    """Events from word groups: at least min_event where room allows, at most max_event, gap_frames apart."""
    groups = [g for g in groups if g]
    gap = rules.gap_frames / fps
    out = []
    for k, g in enumerate(groups):
        start = g[0].start
        nxt = groups[k + 1][0].start if k + 1 < len(groups) else (until if until is not None else g[-1].end + 0.5)
        chars = len(" ".join(w.text for w in g))
        # held long enough to read (out-time may run past the speech, up to the next event)
        end = max(g[-1].end, start + rules.min_event, start + chars / rules.reading_speed)
        end = min(end, nxt - gap, start + rules.max_event)
        end = max(end, min(g[-1].end, nxt - gap), start + 1 / fps)
        out.append(Event(start, end, lines_of(g) if lines_of else (" ".join(w.text for w in g),), tuple(g)))
    return out


def block_events(words: Sequence[Word], lang: str, fps: int, until: float | None = None,
                 rules: CaptionRules = DEFAULT) -> list[Event]:
    def fits(group):
        return all(len(line) <= rules.max_line for line in break_lines(group, lang, rules))
    groups = [g for s in sentences_of(words)
              for g in chunk(s, lang, rules.max_line * rules.max_lines, rules.max_event, fits=fits)]
    return timed(groups, fps, lambda g: break_lines(g, lang, rules), until, rules)


# -- sidecars -----------------------------------------------------------------------------

def rtl_line(line: str) -> str:
    """Arabic lines start with RLM, and end with one when their last character is neutral or Latin,
    so players put punctuation, digits and Latin words on the correct side."""
    if not any(is_arabic(c) for c in line):
        return line
    out = RLM + line
    last = line.rstrip()[-1:] if line.strip() else ""
    if last and not (is_arabic(last) and last.isalpha()):
        out += RLM
    return out


def _clock(t: float, sep: str) -> str:
    ms = max(0, int(round(t * 1000)))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def srt(events: Sequence[Event]) -> str:
    blocks = [f"{i}\n{_clock(e.start, ',')} --> {_clock(e.end, ',')}\n" + "\n".join(rtl_line(x) for x in e.lines)
              for i, e in enumerate(events, 1)]
    return "\n\n".join(blocks) + "\n"


def vtt(events: Sequence[Event], lang: str) -> str:
    cues = [f"{_clock(e.start, '.')} --> {_clock(e.end, '.')}\n" + "\n".join(rtl_line(x) for x in e.lines)
            for e in events]
    return f"WEBVTT\nLanguage: {lang}\n\n" + "\n\n".join(cues) + "\n"
