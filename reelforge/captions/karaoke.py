"""`style: karaoke`: a few words at a time, each drawn in the highlight colour while it is said."""
from __future__ import annotations

from ..model import Animation
from ..timeline import Item
from . import DEFAULT, chunk, merge_short, sentences_of, text_of, timed

STILL = Animation("none", "none", 0.0)


class Karaoke:
    name = "karaoke"

    def events(self, words, lang, fps, until=None, rules=DEFAULT):
        """Up to karaoke_words words (a protected span counts as one unit); a group that would flash by
        joins a neighbour, up to twice the karaoke characters."""
        groups = [g for s in sentences_of(words)
                  for g in chunk(s, lang, rules.karaoke_chars, rules.max_event, rules.karaoke_words)]
        groups = merge_short(groups, fps, until, rules, lambda g: len(text_of(g)) <= 2 * rules.karaoke_chars)
        return timed(groups, fps, None, until, rules)

    def items(self, event, box, style):
        """One item per word: the event's text with word k highlighted from when it is said (not before
        the event) until the next word is."""
        words = event.words
        bounds = [event.start]
        for w in words[1:]:
            bounds.append(min(event.end, max(bounds[-1], w.start)))
        bounds.append(event.end)
        return [Item("caption", box, a, b, STILL, text=event.text, style=style, highlight=k, name="captions")
                for k, (a, b) in enumerate(zip(bounds, bounds[1:])) if b > a]


STYLE = Karaoke()
