"""`style: block`: sentences cut into events of one or two balanced lines, as in the sidecar files."""
from __future__ import annotations

from ..model import Animation
from ..timeline import Item
from . import DEFAULT, block_events


class Block:
    name = "block"
    animate = Animation("none", "none", 0.0)

    def events(self, words, lang, fps, until=None, rules=DEFAULT):
        return block_events(words, lang, fps, until, rules)

    def items(self, event, box, style):
        return [Item("caption", box, event.start, event.end, self.animate, text=event.text, style=style,
                     name="captions")]


STYLE = Block()
