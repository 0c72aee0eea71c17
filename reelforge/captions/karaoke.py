"""`style: karaoke`: a few words at a time, each drawn in the highlight colour while it is said."""
from __future__ import annotations

from ..model import Animation
from ..timeline import Item
from . import DEFAULT, chunk, sentences_of, timed

STILL = Animation("none", "none", 0.0)


class Karaoke:
    name = "karaoke"

    def events(self, words, lang, fps, until=None, rules=DEFAULT):
        groups = [g for s in sentences_of(words)
                  for g in chunk(s, lang, rules.karaoke_chars, rules.max_event, rules.karaoke_words)]
        return timed(groups, fps, None, until, rules)

    def items(self, event, box, style):
        """One item per word: the event's text with word k highlighted until the next word starts."""
        out, words = [], event.words
        for k, word in enumerate(words):
            start = event.start if k == 0 else word.start
            end = words[k + 1].start if k + 1 < len(words) else event.end
            out.append(Item("caption", box, start, max(end, start + 0.01), STILL, text=event.text, style=style,
                            highlight=k, name="captions"))
        return out


STYLE = Karaoke()
