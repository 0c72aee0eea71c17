"""`style: word`: one word at a time, popping in (words too quick to read share their event)."""
from __future__ import annotations

from .. import spans
from ..model import Animation
from . import DEFAULT, merge_short, sentences_of, text_of, timed
from .block import Block


class WordByWord(Block):
    name = "word"
    animate = Animation("pop", "none", 0.12)

    def events(self, words, lang, fps, until=None, rules=DEFAULT):
        groups = [[s[i] for i in u] for s in sentences_of(words)
                  for u in spans.units([w.text for w in s], lang, soft=False)]
        groups = merge_short(groups, fps, until, rules, lambda g: len(text_of(g)) <= rules.karaoke_chars)
        return timed(groups, fps, None, until, rules)


STYLE = WordByWord()
