"""The identity board of a brand kit: one image a brand manager pins on the wall and checks the kit against."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .layers import fonts_of, load_image, px_style
from .language import language
from .lint.contrast import ratio as contrast
from .model import Brand, TextStyle
from .text import Style, render_text

W = 1800
SAMPLES = {"ar": "سجّل الآن في Pass Jeunes قبل 30/06/2025", "fr": "Inscris-toi au Pass Jeunes avant le 30/06/2025",
           "zgh": "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ — ⴰⴼⵓⵙ ⴳ ⵓⴼⵓⵙ"}


def _label(brand: Brand, text: str, size: float = 26, color=(40, 40, 46, 255), weight="regular", width=W - 120):
    style = Style(size_px=size, min_size_px=size * 0.6, color=color, weight=weight, align="left")
    return render_text(text, fonts_of(brand), style, width, size * 3).image


def board(brand: Brand) -> Image.Image:
    parts: list[Image.Image] = [_label(brand, f"{brand.name} — identity board", 48, weight="bold")]

    # palette with contrast against light and dark
    parts.append(_label(brand, "Palette (contrast with light / dark text)", 30, weight="bold"))
    sw = 240
    names = list(brand.colors)
    rows = -(-len(names) // 6)
    pal = Image.new("RGBA", (W - 120, rows * (sw + 90)), (0, 0, 0, 0))
    for k, name in enumerate(names):
        rgba = brand.rgba(name)
        x, y = (k % 6) * (sw + 30), (k // 6) * (sw + 90)
        ImageDraw.Draw(pal).rounded_rectangle((x, y, x + sw, y + sw - 60), 16, fill=rgba)
        light, dark = brand.rgba("light")[:3], brand.rgba("dark")[:3]
        cl = float(contrast(np.array([rgba[:3]], np.float32), np.array(light, np.float32))[0])
        cd = float(contrast(np.array([rgba[:3]], np.float32), np.array(dark, np.float32))[0])
        for i, (text, col) in enumerate(((f"Aa {cl:.1f}", light), (f"Aa {cd:.1f}", dark))):
            t = _label(brand, text, 30, color=col + (255,), weight="bold", width=sw)
            pal.alpha_composite(t, (x + 16 + i * 110, y + 20))
        pal.alpha_composite(_label(brand, f"{name}  {brand.colors[name].upper()}", 24, width=sw), (x, y + sw - 50))
    parts.append(pal)

    # fonts: every text style in each script
    parts.append(_label(brand, "Text styles (Arabic, French, Tifinagh)", 30, weight="bold"))
    for name, style in brand.styles.items():
        parts.append(_label(brand, f"{name}: {style.size:g}% of the short side, {style.weight}, "
                                   f"{style.color}", 22, color=(90, 90, 100, 255)))
        parts.append(_style_strip(brand, style))

    # logo variants with clear space
    parts.append(_label(brand, "Logo (clear space dashed)", 30, weight="bold"))
    parts.append(_logos(brand))

    # captions: karaoke, with the highlight
    parts.append(_label(brand, "Captions (karaoke highlight)", 30, weight="bold"))
    parts.append(_style_strip(brand, brand.captions, highlight=1))

    height = sum(p.height + 28 for p in parts) + 120
    out = Image.new("RGBA", (W, height), (246, 245, 241, 255))
    y = 60
    for p in parts:
        out.alpha_composite(p, (60, y))
        y += p.height + 28
    return out.convert("RGB")


def _style_strip(brand: Brand, style: TextStyle, highlight=None) -> Image.Image:
    """The style on the dark and primary colours, in each script, at 1080 px scale (half size)."""
    tiles = []
    for lang, text in SAMPLES.items():
        s = px_style(style, brand, 1080, scale=0.5)
        hl = (highlight, brand.rgba(brand.caption_highlight)) if highlight is not None else None
        block = render_text(text, fonts_of(brand), s, 540, 260, direction="rtl" if language(lang).rtl else None, highlight=hl)
        tile = Image.new("RGBA", (560, max(120, block.image.height + 40)), brand.rgba("primary"))
        tile.alpha_composite(block.image, ((560 - block.image.width) // 2, 20))
        tiles.append(tile)
    h = max(t.height for t in tiles)
    strip = Image.new("RGBA", (W - 120, h), (0, 0, 0, 0))
    for i, t in enumerate(tiles):
        strip.alpha_composite(t, (i * 580, 0))
    return strip


def _logos(brand: Brand) -> Image.Image:
    out = Image.new("RGBA", (W - 120, 300), (0, 0, 0, 0))
    logo = brand.logo
    if logo is None:
        return out
    d = ImageDraw.Draw(out)
    x = 0
    for file, bg in ((logo.file, brand.rgba("light")), (logo.on_dark or logo.file, brand.rgba("dark"))):
        img = load_image(str(file), "brand logo")
        h = 180
        w = round(img.width * h / img.height)
        pad = round(h * logo.clear_space)
        d.rectangle((x, 0, x + w + 2 * pad + 40, h + 2 * pad + 40), fill=bg)
        out.alpha_composite(img.resize((w, h), Image.LANCZOS), (x + pad + 20, pad + 20))
        for k in range(0, w + 2 * pad, 12):     # dashed clear-space box
            d.line((x + 20 + k, 20, x + 20 + min(k + 6, w + 2 * pad), 20), fill=(230, 60, 60, 255), width=2)
            d.line((x + 20 + k, 20 + h + 2 * pad, x + 20 + min(k + 6, w + 2 * pad), 20 + h + 2 * pad),
                   fill=(230, 60, 60, 255), width=2)
        for k in range(0, h + 2 * pad, 12):
            d.line((x + 20, 20 + k, x + 20, 20 + min(k + 6, h + 2 * pad)), fill=(230, 60, 60, 255), width=2)
            d.line((x + 20 + w + 2 * pad, 20 + k, x + 20 + w + 2 * pad, 20 + min(k + 6, h + 2 * pad)),
                   fill=(230, 60, 60, 255), width=2)
        x += w + 2 * pad + 80
    return out
