"""`style: word`: one word at a time, popping in."""
from __future__ import annotations

from ..model import Animation
from . import DEFAULT, timed
from .block import Block


class WordByWord(Block):
    name = "word"
    animate = Animation("pop", "none", 0.12)

    def events(self, words, lang, fps, until=None, rules=DEFAULT):
        return timed([[w] for w in words], fps, None, until, rules)


STYLE = WordByWord()
