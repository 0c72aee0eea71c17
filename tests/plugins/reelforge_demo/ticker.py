"""`style: ticker`: each sentence shown whole, on one line, for as long as it is said (a caption style plugin)."""
from reelforge.captions import DEFAULT, sentences_of, timed
from reelforge.model import Animation
from reelforge.timeline import Item


class Ticker:
    name = "ticker"

    def events(self, words, lang, fps, until=None, rules=DEFAULT):
        return timed(sentences_of(words), fps, None, until, rules)

    def items(self, event, box, style):
        return [Item("caption", box, event.start, event.end, Animation("fade", "none", 0.2), text=event.text,
                     style=style, name="captions")]


STYLE = Ticker()
