"""`type: text`: a text in one of the brand's styles."""
from ..config.options import Choice, Schema, Text
from ..layers import place_text
from . import ElementKind


def _styles(ctx):
    return ctx.styles


class TextElement(ElementKind):
    name = "text"
    options = Schema({
        "text": Text(help="the text, one string or {ar: ..., fr: ...}"),
        "style": Choice(_styles, "body", what="text style", help="a text style of the brand kit"),
    })

    def items(self, element, ctx):
        return [ctx.item(element, text=element.text[ctx.lang], style=ctx.styles.get(element.style))]

    def place(self, item, timeline, where, background):
        return place_text(item, timeline)


ELEMENT = TextElement()
