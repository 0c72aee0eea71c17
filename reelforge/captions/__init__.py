"""Captions from timed words: segmentation and timing shared by every style, and SRT/WebVTT sidecars.

Rules (Netflix timed-text defaults; a template's `captions:` overrides them, per language): at most 42
characters a line and 2 lines for block captions, balanced; events between 5/6 s and 7 s, read at most at
the reading speed (17 characters a second in French), at least 2 frames apart; sentences merged only
when one would otherwise flash by. No line or event ends on a weak word, and a protected span (phone
number, date, time, number and its unit, email, URL, name: reelforge/spans.py) is never split; those
rules live in reelforge/language.py and spans.py, shared with on-screen wrapping and lint. Social styles
show a few words at a time, merged with their neighbours until they can be read.

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

from dataclasses import dataclass
from typing import Iterable, Sequence

from .. import spans
from ..language import SENTENCE_END, is_arabic
from ..model import CaptionRules
from ..spans import weak  # noqa: F401  (re-exported: the captions' rule, shared with wrapping)
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


def text_of(words) -> str:
    return " ".join(w.text for w in words)


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
    """Greedy groups within a sentence, cut only between units (spans.units): a protected span (phone
    number, date, number and its unit, name...) is never split and no group ends on a weak word.
    `fits(group)` may add a layout condition (block captions: it must break into lines that fit)."""
    def fit(group):
        return len(text_of(group)) <= max_chars and (fits is None or fits(group))

    def ok(group):
        return fit(group) and group[-1].end - group[0].start <= max_seconds
    # a unit is kept whole however long it is said (a phone number read digit group by digit group),
    # and however long it is written up to twice a group's length (a full name in karaoke)
    def unit_fits(group):
        return len(text_of(group)) <= 2 * max_chars and (fits is None or fits(group))
    units = [[words[i] for i in u] for u in spans.units([w.text for w in words], lang,
                                                        lambda u: unit_fits([words[i] for i in u]))]
    groups, cur = [], []
    for u in units:
        if cur and (len(cur) + len(u) > max_words or not ok(cur + u)):
            groups.append(cur)
            cur = []
        cur = cur + u
    if cur:
        groups.append(cur)
    # no orphan: a one-word last group takes units from the group before when the two stay valid
    if len(groups) > 1 and len(groups[-1]) == 1:
        both, best = groups[-2] + groups[-1], None
        cuts = [k for k in range(1, len(both)) if _free(both, k, lang)]
        for k in cuts:
            a, b = both[:k], both[k:]
            if ok(a) and ok(b) and len(a) <= max_words and len(b) <= max_words:
                cost = abs(len(text_of(a)) - len(text_of(b)))
                if best is None or cost < best[0]:
                    best = (cost, [a, b])
        if ok(both) and len(both) <= max_words + 1:
            best = (0, [both])
        if best:
            groups[-2:] = best[1]
    return groups


def _free(words, k: int, lang: str) -> bool:
    """May a group be cut before words[k]?"""
    return spans.joins([w.text for w in words], lang)[k - 1] == spans.FREE


def _split(words: list[Word], lang: str, rules: CaptionRules) -> tuple[int, tuple[str, ...]]:
    """The best lines for a group and their cost: 0 = one line; else the length difference of the
    two lines, +500 for a break at a soft gap (after a weak word), +5000 inside a protected span,
    +1000 when a line is too long."""
    text = text_of(words)
    if len(text) <= rules.max_line or len(words) < 2 or rules.max_lines < 2:
        return (0 if len(text) <= rules.max_line else 1000), (text,)
    level = spans.joins([w.text for w in words], lang)
    best = None
    for i in range(1, len(words)):
        a, b = text_of(words[:i]), text_of(words[i:])
        cost = abs(len(a) - len(b)) + (1000 if max(len(a), len(b)) > rules.max_line else 0) \
            + (0, 500, 5000)[level[i - 1]]
        if best is None or cost < best[0]:
            best = (cost, (a, b))
    return best


def break_lines(words: list[Word], lang: str, rules: CaptionRules = DEFAULT) -> tuple[str, ...]:
    """One line if it fits, else the most balanced break into two that fit, at a free gap (not inside a
    protected span, not after a weak word), a soft one only when no free gap will do."""
    return _split(words, lang, rules)[1]


def fits_lines(words: list[Word], lang: str, rules: CaptionRules = DEFAULT) -> bool:
    """The group breaks into at most max_lines lines that fit, at a free gap."""
    return _split(words, lang, rules)[0] < 500


def merge_short(groups: list[list[Word]], fps: int, until: float | None, rules: CaptionRules,
                can_merge) -> list[list[Word]]:
    """Join a group with a neighbour when it could not stay on screen for the minimum event time or
    at the reading speed before the next one starts (`can_merge(group)`: the result still fits)."""
    groups, gap, i = [g for g in groups if g], rules.gap_frames / fps, 0
    while i < len(groups):
        g = groups[i]
        nxt = groups[i + 1][0].start if i + 1 < len(groups) else (until if until is not None else float("inf"))
        need = max(rules.min_event, len(text_of(g)) / rules.reading_speed)
        if nxt - gap - g[0].start < need - 1e-9:
            if i + 1 < len(groups) and can_merge(g + groups[i + 1]):
                groups[i:i + 2] = [g + groups[i + 1]]
                continue
            if i > 0 and can_merge(groups[i - 1] + g):
                groups[i - 1:i + 1] = [groups[i - 1] + g]
                i -= 1
                continue
        i += 1
    return groups


def timed(groups: Iterable[list[Word]], fps: int, lines_of=None, until: float | None = None,
          rules: CaptionRules = DEFAULT) -> list[Event]:
    """Events from word groups, gap_frames apart, each held at least min_event and long enough to read
    at the reading speed (up to max_event): when the next group starts too soon, it waits (never past
    `until`, the scene's end)."""
    groups = [g for g in groups if g]
    gap = rules.gap_frames / fps
    out, free_from = [], float("-inf")
    for k, g in enumerate(groups):
        start = max(g[0].start, free_from)
        if until is not None:
            start = min(start, until - 1 / fps)
        nxt = groups[k + 1][0].start if k + 1 < len(groups) else float("inf")
        need = min(rules.max_event, max(rules.min_event, len(text_of(g)) / rules.reading_speed))
        end = min(max(g[-1].end, start + need), max(start + rules.max_event, g[-1].end), max(nxt - gap, start + need))
        if until is not None:
            end = min(end, until)
        end = max(end, start + 1 / fps)
        out.append(Event(start, end, lines_of(g) if lines_of else (text_of(g),), tuple(g)))
        free_from = end + gap
    return out


def block_events(words: Sequence[Word], lang: str, fps: int, until: float | None = None,
                 rules: CaptionRules = DEFAULT) -> list[Event]:
    """Block segmentation (sidecars and `style: block`): sentences cut into events of at most
    max_lines balanced lines; an event too short to read joins a neighbour when the two still fit."""
    def fits(group):
        return fits_lines(group, lang, rules)
    groups = [g for s in sentences_of(words)
              for g in chunk(s, lang, rules.max_line * rules.max_lines, rules.max_event, fits=fits)]
    groups = merge_short(groups, fps, until, rules,
                         lambda g: fits(g) and g[-1].end - g[0].start <= rules.max_event)
    return timed(groups, fps, lambda g: break_lines(g, lang, rules), until, rules)


# -- sidecars -----------------------------------------------------------------------------

def rtl_line(line: str) -> str:
    """An Arabic line for a sidecar: every left-to-right span (phone number, date, time, email, URL,
    Latin name, number) wrapped in a directional isolate LRI … PDI, so it shows as one unit in its
    natural order; RLM first, and last when the line ends on a neutral or Latin character, so a player
    that lays lines out left to right (libass does) still reads the whole line right to left."""
    if not any(is_arabic(c) for c in line):
        return line
    line = spans.isolate(line)
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
