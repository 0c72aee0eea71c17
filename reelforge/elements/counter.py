"""`type: counter`: a number that counts up (or down) to its value over the enter window.

    {type: counter, to: 50000, from: 0, format: {ar: "+{n}", fr: "{n} +"}, style: headline}

The number eases out from `from` to `to` over `seconds` (default: the enter animation's duration),
then holds. Digits follow the script's `digits` setting like every text; thousands are grouped per
language: French (and Tifinagh) `50 000` with a narrow no-break space (U+202F), English `50,000`,
Arabic `٥٠٬٠٠٠` with the Arabic thousands separator (U+066C) when the digits are Arabic-Indic and
`50,000` when they are Western.
"""
from __future__ import annotations

from dataclasses import replace

from ..config.options import INVALID, Choice, Number, Schema, Text
from ..layers import place_text
from . import ElementKind
from .text import _styles

GROUP = {"fr": "\u202f", "zgh": "\u202f", "en": ","}
ARABIC_GROUP = {"arabic-indic": "\u066c", "western": ","}


def grouped(n: int, lang: str, digits: str) -> str:
    """`n` with thousands grouped for the language (Western digits; the text engine converts them)."""
    sep = ARABIC_GROUP[digits] if lang == "ar" else GROUP.get(lang, ",")
    return f"{n:,}".replace(",", sep)


class NumberFormat(Text):
    """A text per language around the number, written `{n}`; `{vars}` are substituted as usual."""

    def check(self, value, pos, where, ctx):
        saved, seen = ctx.variables, len(ctx.problems)
        if saved is not None:
            ctx.variables = {**saved, "n": "{n}"}
        try:
            out = super().check(value, pos, where, ctx)
        finally:
            ctx.variables = saved
        new = list(dict.fromkeys(ctx.problems[seen:]))        # one string checked per language: report once
        ctx.problems[seen:] = new
        if out is not INVALID:
            for lang, text in out.items():
                if "{n}" not in text:
                    ctx.error(pos, where, f"the {lang} format '{text}' has no {{n}} where the number goes")
                    return INVALID
        return out


class CounterSource:
    """A moving source: `frame(t)` -> the number's text sprite at t seconds into the element; its
    `origin` follows the text block's alignment in the box. Texts are drawn once each."""

    def __init__(self, item, timeline, seconds: float):
        self.item, self.timeline, self.seconds = item, timeline, max(seconds, 1e-6)
        self.cache: dict[str, object] = {}
        self.origin = item.box[:2]

    def text(self, t: float) -> str:
        item = self.item
        q = min(1.0, max(0.0, t / self.seconds))
        q = 1 - (1 - q) ** 3                                 # ease out: fast first, settling on the value
        start = item.options["from"]
        n = round(start + (item.to - start) * q)
        sign = "-" if n < 0 else ""
        return item.text.replace("{n}", sign + grouped(abs(n), self.timeline.lang, self.timeline.script.digits))

    def frame(self, t: float):
        s = self.text(t)
        placed = self.cache.get(s)
        if placed is None:
            placed = self.cache[s] = place_text(replace(self.item, text=s), self.timeline)
        self.origin = (placed.x, placed.y)
        return placed.sprite

    def close(self) -> None:
        self.cache.clear()


class CounterElement(ElementKind):
    name = "counter"
    options = Schema({
        "to": Number(-10**12, 10**12, integer=True, help="the number it counts to"),
        "from": Number(-10**12, 10**12, 0, integer=True, help="the number it starts from"),
        "format": NumberFormat("{n}", help="the text around the number, {n}: one string or {ar: ..., fr: ...}"),
        "style": Choice(_styles, "headline", what="text style", help="a text style of the brand kit"),
        "seconds": Number(0, 600, None, help="how long the count takes (default: the enter animation's duration)"),
    })

    def items(self, element, ctx):
        fmt = element.format
        text = fmt if isinstance(fmt, str) else fmt[ctx.lang]
        return [ctx.item(element, text=text, style=ctx.styles.get(element.style))]

    def place(self, item, timeline, where, background):
        a = item.animate
        seconds = item.seconds if item.seconds is not None else (a.duration if a.enter != "none" else 1.0)
        return CounterSource(item, timeline, seconds)


ELEMENT = CounterElement()
