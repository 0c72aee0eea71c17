"""Rasterise timeline items into sprites once per scene: each item by its element kind (captions as
text), the brand's corner logo, backgrounds; and the helpers kinds draw with (Sprite, Placed, fit, text).

A Sprite is premultiplied RGBA in numpy, ready to be blended many times for the cost of one
multiply-add. Everything here runs before the frame loop; the loop only blends.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Optional

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .config.limits import IMAGE_PIXELS
from .encode import MARGIN, Converted, Pan, drawn
from .errors import ReelforgeError, display
from .language import has_arabic
from .media import VideoSource
from .memo import file_id
from .model import Brand, TextStyle
from .pixels import centre_crop, luma_chroma, planes, scaled_planes
from .registry import CAPTIONS, ELEMENTS
from .text import Fonts, Style, clean, fit_together, render_text
from .timeline import Item, Timeline

ZOOM_STEP_PX = 2.0


class Sprite:
    """An RGBA image prepared for fast 'over' blending at a position. Only its ink (the rectangle where
    alpha > 0, `box`) is prepared and blended: the transparent margins of a caption canvas or a kinetic
    headline's room to move cost nothing."""

    __slots__ = ("w", "h", "rgb_p", "inv_a", "rgba", "box", "_yuv")

    def __init__(self, rgba: np.ndarray):
        rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
        self.rgba, self._yuv = rgba, None
        self.h, self.w = rgba.shape[:2]
        alpha = rgba[..., 3]
        rows = np.flatnonzero(alpha.any(axis=1))
        if not rows.size:
            self.box, self.rgb_p, self.inv_a = None, None, None
            return
        y0, y1 = int(rows[0]), int(rows[-1]) + 1
        cols = np.flatnonzero(alpha[y0:y1].any(axis=0))
        x0, x1 = int(cols[0]), int(cols[-1]) + 1
        self.box = (x0, y0, x1, y1)
        # premultiplied, rounded, (c·a + 127) // 255, and 255 - a for each of the three channels: numpy
        # runs its loops along the last axis, so arrays of the same shape, filled channel by channel (a
        # broadcast alpha or a slice of RGBA would give loops three pixels long, several times slower)
        rgb, a = rgba[y0:y1, x0:x1, :3], alpha[y0:y1, x0:x1].astype(np.uint16)
        p, inv = np.empty(rgb.shape, np.uint16), np.empty(rgb.shape, np.uint16)
        for c in range(3):
            p[..., c], inv[..., c] = rgb[..., c], a
        p *= inv
        p += 127
        p //= 255
        self.rgb_p = p.astype(np.uint8)
        self.inv_a = np.subtract(255, inv, out=inv)

    @classmethod
    def from_image(cls, img: Image.Image) -> "Sprite":
        return cls(np.asarray(img.convert("RGBA")))

    def rect(self, x: int, y: int, fw: int, fh: int) -> Optional[tuple[int, int, int, int]]:
        """The rectangle (x0, y0, x1, y1) of a fw×fh frame that the sprite at (x, y) draws on; None if none."""
        if self.box is None:
            return None
        bx0, by0, bx1, by1 = self.box
        r = (max(x + bx0, 0), max(y + by0, 0), min(x + bx1, fw), min(y + by1, fh))
        return r if r[0] < r[2] and r[1] < r[3] else None

    def blend(self, frame: np.ndarray, x: int, y: int, clip=None) -> Optional[tuple[int, int, int, int]]:
        """frame[y:y+h, x:x+w] = sprite over frame (clipped to the frame, and to the rectangle `clip`);
        -> the rectangle (x0, y0, x1, y1) drawn on, None if none."""
        r = meet(self.rect(x, y, frame.shape[1], frame.shape[0]), clip)
        if r is None:
            return None
        x0, y0, x1, y1 = r
        sx, sy = x0 - x - self.box[0], y0 - y - self.box[1]
        region = frame[y0:y1, x0:x1]
        # (region·(255 - a) + 127) // 255 + premultiplied, in place: the same integers, fewer temporaries
        v = region.astype(np.uint16)
        v *= self.inv_a[sy:sy + y1 - y0, sx:sx + x1 - x0]
        v += 127
        v //= 255
        np.add(v, self.rgb_p[sy:sy + y1 - y0, sx:sx + x1 - x0], out=region, casting="unsafe")
        return r

    def blend_yuv(self, planes, x: int, y: int, opacity: float = 1.0, clip=None) -> Optional[tuple[int, int, int, int]]:
        """The sprite at (x, y) over a yuv420p frame's planes (pixels.luma_chroma: Y, and U over V), in
        place, as the encoder would convert the RGB blend: luma pixel by pixel (the conversion is linear),
        chroma through swscale's own chroma filter (see `_yuv_prepared`), over the ink and the MARGIN
        pixels around it that the filter reaches (encode.grown of the ink's rectangle); `opacity` scales
        the alpha (a fade, from the same prepared planes); `clip`, a rectangle of even corners, limits it
        to those luma pixels and their chroma (each pixel is blended on its own: the same values as
        unclipped, there). Within a level of
        converting the RGB blend, but for chroma where the background's colour changes sharply under a
        glyph's edge (tests/test_render_speed.py). -> the rectangle of the frame drawn on, as `blend`."""
        luma, chroma = planes
        fh, fw = luma.shape
        r = self.rect(x, y, fw, fh)
        if r is None:
            return None
        cx0, cy0, cx1, cy1 = clip if clip is not None else (0, 0, fw, fh)
        ix, iy = x + self.box[0], y + self.box[1]          # the ink's corner in the frame
        yp, inv, (cuv, cinv) = self._yuv_prepared(ix & 1, iy & 1)
        over = _over if opacity >= 1 else _faded_over(opacity)
        x0, y0, x1, y1 = max(r[0], cx0), max(r[1], cy0), min(r[2], cx1), min(r[3], cy1)
        if x0 < x1 and y0 < y1:
            over(luma[y0:y1, x0:x1], yp[y0 - iy:y1 - iy, x0 - ix:x1 - ix], inv[y0 - iy:y1 - iy, x0 - ix:x1 - ix])
        cx, cy = (ix - (ix & 1) - MARGIN) // 2, (iy - (iy & 1) - MARGIN) // 2    # the chroma canvas's corner
        k0x, k0y = max(cx, cx0 // 2), max(cy, cy0 // 2)
        k1x, k1y = min(cx + cinv.shape[1], cx1 // 2), min(cy + cinv.shape[0], cy1 // 2)
        if k0x < k1x and k0y < k1y:
            cut = (slice(k0y - cy, k1y - cy), slice(k0x - cx, k1x - cx))
            over = _over_ringing if opacity >= 1 else over
            over(chroma[:, k0y:k1y, k0x:k1x], cuv[(slice(None), *cut)], cinv[cut])
        return r

    def _yuv_prepared(self, px: int, py: int):
        """The sprite in the encoder's YUV, premultiplied like rgb_p (×255, plus the rounding 127), with its
        255 - alpha. Luma per pixel of the ink (αY = 16α + Y(premultiplied RGB) - 16, the conversion being
        linear). Chroma as swscale filters it, for an ink corner at parity (px, py) (the chroma blocks a sprite
        covers depend on it): on a canvas of the ink and MARGIN transparent pixels around it, starting on a
        block, swscale converts the premultiplied RGB (its chroma is F(αU) - 128·F(α) + 128, F the filter) and
        an image whose blue is the alpha (its chroma gives F(α)), both at 16 bits. Over a background whose
        colour is even across the filter's reach, blending these is the conversion of the RGB blend."""
        from .pixels import yuv420p16
        if self._yuv is None:
            self._yuv = {}
        prepared = self._yuv.get((px, py))
        if prepared is None:
            bx0, by0, bx1, by1 = self.box
            h, w = by1 - by0, bx1 - bx0
            ph, pw = (MARGIN + py + h + MARGIN + 1) // 2 * 2, (MARGIN + px + w + MARGIN + 1) // 2 * 2
            canvas = np.zeros((ph, pw, 3), np.uint8)
            ink = (slice(MARGIN + py, MARGIN + py + h), slice(MARGIN + px, MARGIN + px + w))
            canvas[ink] = self.rgb_p
            ys, us, vs = yuv420p16(canvas)
            canvas[...] = 0
            canvas[ink + (2,)] = self.rgba[by0:by1, bx0:bx1, 3]
            black, blue = _chroma_scale()
            alpha = (yuv420p16(canvas)[1] - np.float32(black)) / np.float32(blue - black)      # F(α)
            mean_a = np.rint(alpha * 255)        # may pass 0 or 255 a little: the filter rings
            cuv = np.rint(((np.stack((us, vs)) - np.float32(black)) / 256 + 128 * alpha) * 255 + 127).astype(np.int32)
            prepared = self._yuv[(px, py)] = (cuv, (255 - mean_a).astype(np.int32))
            if "y" not in self._yuv:
                a = self.rgba[by0:by1, bx0:bx1, 3].astype(np.float32)
                luma = (ys[ink] / np.float32(256) - 16) * 255 + 16 * a + 127
                self._yuv["y"] = (np.rint(luma).astype(np.uint16), (255 - a).astype(np.uint16))
        return (*self._yuv["y"], prepared)


@lru_cache(maxsize=1)
def _chroma_scale() -> tuple[float, float]:
    """The 16-bit U of black and of pure blue in swscale's conversion (what `_yuv_prepared` reads alpha by)."""
    from .pixels import yuv420p16
    img = np.zeros((2, 2, 3), np.uint8)
    black = float(yuv420p16(img)[1][0, 0])
    img[..., 2] = 255
    return black, float(yuv420p16(img)[1][0, 0])


def _over(region: np.ndarray, premultiplied: np.ndarray, inv_a: np.ndarray) -> None:
    """region = (region·(255 - a) + premultiplied·255 + 127) // 255 in place, on one plane (the +127 and the
    ·255 are in `premultiplied`, a 16-bit integer array)."""
    v = region.astype(np.uint16)
    v *= inv_a
    v += premultiplied
    v //= 255
    region[...] = v


def _over_ringing(region: np.ndarray, premultiplied: np.ndarray, inv_a: np.ndarray) -> None:
    """_over in 32-bit integers, clipped: for filtered chroma (U over V, `inv_a` for both), whose alpha
    rings a little past 0 and 255."""
    v = region.astype(np.int32)
    v *= inv_a
    v += premultiplied
    v //= 255
    np.maximum(v, 0, out=v)
    region[...] = np.minimum(v, 255, out=v)


def _faded_over(g: float):
    """_over with the alpha scaled by g (computed in floats: region + g·(premultiplied - a·region))."""
    def over(region: np.ndarray, premultiplied: np.ndarray, inv_a: np.ndarray) -> None:
        v = region.astype(np.float32)
        d = premultiplied.astype(np.float32)
        d -= 127
        d -= (255 - inv_a.astype(np.float32)) * v
        d *= np.float32(g / 255)
        v += d
        np.maximum(np.rint(v, out=v), 0, out=v)
        region[...] = np.minimum(v, 255, out=v)
    return over


class Faded:
    """A sprite at an opacity (a fade in or out): blended in YUV from the sprite's own prepared planes
    (nothing prepared anew each frame); in RGB and as `rgba`, the sprite with its alpha scaled, made once."""

    __slots__ = ("sprite", "opacity", "_scaled")

    def __init__(self, sprite: "Sprite", opacity: float):
        self.sprite, self.opacity, self._scaled = sprite, opacity, None

    @property
    def scaled(self) -> "Sprite":
        if self._scaled is None:
            rgba = self.sprite.rgba.copy()
            rgba[..., 3] = (rgba[..., 3] * self.opacity).astype(np.uint8)
            self._scaled = Sprite(rgba)
        return self._scaled

    @property
    def rgba(self) -> np.ndarray:
        return self.scaled.rgba

    def rect(self, x: int, y: int, fw: int, fh: int):
        return self.sprite.rect(x, y, fw, fh)       # the scaled ink is no larger

    def blend(self, frame: np.ndarray, x: int, y: int, clip=None):
        return self.scaled.blend(frame, x, y, clip)

    def blend_yuv(self, planes, x: int, y: int, opacity: float = 1.0, clip=None):
        return self.sprite.blend_yuv(planes, x, y, self.opacity * opacity, clip)


class Cut:
    """The part of a sprite inside a rectangle of its own pixels (x0, y0, x1, y1): a progress bar's filled
    and empty parts, each a whole bar prepared once. In YUV its luma is cut exactly, and its chroma between
    chroma blocks (a little sharper than the encoder's filter would make the edge) when the edge is on an
    even column of the frame, as the progress bar's is; on an odd one, the block holding it takes the
    colour of the part to its right."""

    __slots__ = ("sprite", "cut")

    def __init__(self, sprite: Sprite, cut: tuple[int, int, int, int]):
        self.sprite, self.cut = sprite, cut

    def _clip(self, x: int, y: int, clip):
        """The cut in the frame, open on the sides where it is the sprite's own edge (the chroma the filter
        spreads past the ink is the sprite's there)."""
        x0, y0, x1, y1 = self.cut
        far = 1 << 30
        r = (x + x0 if x0 > 0 else -far, y + y0 if y0 > 0 else -far,
             x + x1 if x1 < self.sprite.w else far, y + y1 if y1 < self.sprite.h else far)
        return r if clip is None else meet(r, clip) or (0, 0, 0, 0)

    @property
    def rgba(self) -> np.ndarray:
        x0, y0, x1, y1 = self.cut
        out = self.sprite.rgba.copy()
        inside = np.zeros(out.shape[:2], bool)
        inside[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = True
        out[~inside, 3] = 0
        return out

    def rect(self, x: int, y: int, fw: int, fh: int) -> Optional[tuple[int, int, int, int]]:
        return meet(self.sprite.rect(x, y, fw, fh), self._clip(x, y, None))

    def blend(self, frame: np.ndarray, x: int, y: int, clip=None):
        return self.sprite.blend(frame, x, y, self._clip(x, y, clip))

    def blend_yuv(self, planes, x: int, y: int, opacity: float = 1.0, clip=None):
        r = self.rect(x, y, planes[0].shape[1], planes[0].shape[0])
        if r is None:
            return None
        self.sprite.blend_yuv(planes, x, y, opacity, self._clip(x, y, clip))
        return r


class Sprites:
    """Sprites drawn one over another as one (a kinetic headline's words, each moving on its own): `parts`
    (Sprite, x, y) placed on a w×h canvas. Blended part by part, each over its own ink; `rgba` composes
    the canvas (for what reads pixels: tests, lint), cropping parts that reach beyond it."""

    def __init__(self, w: int, h: int, parts: list[tuple[Sprite, int, int]]):
        self.w, self.h, self.parts, self._flat = w, h, parts, None

    def rect(self, x: int, y: int, fw: int, fh: int) -> Optional[tuple[int, int, int, int]]:
        rects = [r for r in (s.rect(x + px, y + py, fw, fh) for s, px, py in self.parts) if r is not None]
        return union(rects)

    def blend(self, frame: np.ndarray, x: int, y: int, clip=None) -> Optional[tuple[int, int, int, int]]:
        rects = [r for r in (s.blend(frame, x + px, y + py, clip) for s, px, py in self.parts) if r is not None]
        return union(rects)

    def blend_yuv(self, planes, x: int, y: int, opacity: float = 1.0, clip=None) -> Optional[tuple[int, int, int, int]]:
        if opacity < 1 and len(self.parts) > 1:     # faded as one: parts over each other are not faded twice
            return self.flat.blend_yuv(planes, x, y, opacity, clip)
        return union([r for r in (s.blend_yuv(planes, x + px, y + py, opacity, clip) for s, px, py in self.parts)
                       if r is not None])

    @property
    def flat(self) -> Sprite:
        """The parts composed into one sprite (made once)."""
        if self._flat is None:
            self._flat = Sprite(self.rgba)
        return self._flat

    @property
    def rgba(self) -> np.ndarray:
        out = Image.new("RGBA", (self.w, self.h), (0, 0, 0, 0))
        for s, px, py in self.parts:
            img = Image.fromarray(s.rgba)
            if px < 0 or py < 0:
                img = img.crop((max(0, -px), max(0, -py), img.width, img.height))
                px, py = max(0, px), max(0, py)
            out.alpha_composite(img, (px, py))
        return np.asarray(out)


SPRITES = (Sprite, Sprites, Faded, Cut)  # what a layer's look blends (else: opaque RGB pasted, a video)


def blended(yuv: np.ndarray, w: int, h: int, looks, opacity: float = 1.0, copy: bool = True) -> Converted:
    """A w×h yuv420p frame with `looks` (sprite, x, y) blended on its planes at `opacity`, on a copy of
    `yuv` unless `copy` is False (a buffer made for it), as a Converted frame."""
    if looks:
        yuv = yuv.copy() if copy else yuv
        planes = luma_chroma(yuv, w, h)
        for what, x, y in looks:
            what.blend_yuv(planes, x, y, opacity)
    return Converted(yuv, w, h)


def reblended(prev: Converted, base: Converted, looks, rects) -> Converted:
    """`prev` (a frame `blended` from `base`) with the rectangles `rects` (even corners, each holding the
    pixels, encode.grown, that a look it showed or shows there reaches) made anew: `base` there, with every
    look blended over it within them. The same bytes as blending all the looks on `base` again, for the
    cost of the rectangles (a Lottie animation moving beside a caption that holds still)."""
    yuv, w, h = prev.yuv.copy(), base.w, base.h
    planes, under = luma_chroma(yuv, w, h), luma_chroma(base.yuv, w, h)
    for r in rects:
        x0, y0, x1, y1 = r
        planes[0][y0:y1, x0:x1] = under[0][y0:y1, x0:x1]
        planes[1][:, y0 // 2:y1 // 2, x0 // 2:x1 // 2] = under[1][:, y0 // 2:y1 // 2, x0 // 2:x1 // 2]
        for what, x, y in looks:
            what.blend_yuv(planes, x, y, clip=r)
    return Converted(yuv, w, h)


def meet(a, b) -> Optional[tuple[int, int, int, int]]:
    """The rectangle two rectangles share (either may be None: no rectangle for `a`, no limit for `b`);
    None if they share none."""
    if a is None or b is None:
        return a
    r = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return r if r[0] < r[2] and r[1] < r[3] else None


def union(rects: list) -> Optional[tuple[int, int, int, int]]:
    """The smallest rectangle (x0, y0, x1, y1) holding all of `rects`; None for none."""
    if not rects:
        return None
    return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))


def load_image(path: str, where: str) -> Image.Image:
    """Open an image file, or stop with a one-line error naming the scene and the file."""
    Image.MAX_IMAGE_PIXELS = IMAGE_PIXELS
    try:
        with Image.open(path) as img:
            img.load()
            return ImageOps.exif_transpose(img).convert("RGBA")
    except FileNotFoundError:
        raise ReelforgeError(f"{display(path)}:1:1: {where}: image file not found")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ReelforgeError(f"{display(path)}:1:1: {where}: cannot read the image ({exc}); "
                          "re-export it as PNG or JPEG")


def fit(img: Image.Image, w: int, h: int, mode: str) -> Image.Image:
    """Scale an image to cover (crop) or be contained in (letterbox, transparent) a w×h box."""
    if mode == "cover":
        return ImageOps.fit(img, (w, h), Image.LANCZOS)
    scale = min(w / img.width, h / img.height)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    out = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    out.paste(img.resize(size, Image.LANCZOS), ((w - size[0]) // 2, (h - size[1]) // 2))
    return out


# -- text ---------------------------------------------------------------------------------

def fonts_of(brand: Brand):
    return Fonts.from_brand(brand)


def px_style(style: TextStyle, brand: Brand, short: int, align: Optional[str] = None, scale: float = 1.0):
    """A brand text style (sizes in percent of the frame's short side) in pixels."""
    u = short / 100 * scale
    rgba = brand.rgba
    return Style(size_px=style.size * u, min_size_px=style.min_size * u, color=rgba(style.color),
                 weight=style.weight, align=align or style.align, line_spacing=style.line_spacing,
                 stroke_px=style.stroke_width * u, stroke_color=rgba(style.stroke_color),
                 shadow_offset=(style.shadow_offset[0] * u, style.shadow_offset[1] * u),
                 shadow_blur_px=style.shadow_blur * u,
                 shadow_color=rgba(style.shadow_color) if style.shadow_color else None,
                 box_color=rgba(style.box_color) if style.box_color else None,
                 box_padding_px=style.box_padding * u, box_radius_px=style.box_radius * u)


def text_block(item: Item, timeline: Timeline, highlight=None):
    """The item's text rendered in its box. Items of one list (`options.together`: every item's text and
    box) share one size, the smallest that fits them all, and the list, its lines start-aligned, is
    centred in its box as a block (under a centred headline it sits centred, not at the box's edge)."""
    p = timeline.platform
    style = px_style(item.style, timeline.brand, min(p.width, p.height), item.align)
    text = clean(item.text, timeline.script.digits)
    _, _, w, h = item.box
    fonts, rtl = fonts_of(timeline.brand), lambda t: "rtl" if timeline.rtl and has_arabic(t) else None
    size, shift = None, 0
    together = item.options.get("together")
    if together:
        texts = [clean(t, timeline.script.digits) for t, _ in together]
        size, left, right = fit_together(texts, fonts, style, [b[2:] for _, b in together],
                                         directions=[rtl(t) for t in texts], lang=timeline.lang)
        shift = round((w - left - right) / 2)
    block = render_text(text, fonts, style, w, h, direction=rtl(text), highlight=highlight, lang=timeline.lang,
                        size=size)
    return replace(block, offset=(block.offset[0] + shift, block.offset[1])) if shift else block


# -- items --------------------------------------------------------------------------------

@dataclass
class Placed:
    """A sprite and where its top-left corner goes; word boxes for word-by-word reveal."""
    sprite: Sprite
    x: int
    y: int
    word_boxes: tuple = ()


def place_text(item: Item, timeline: Timeline) -> Placed:
    highlight = None
    if item.highlight is not None:
        highlight = (item.highlight, timeline.brand.rgba(item.options.get("marker") or timeline.brand.caption_highlight))
    block = text_block(item, timeline, highlight)
    x, y, _, _ = item.box
    return Placed(Sprite.from_image(block.image), x + block.offset[0], y + block.offset[1], block.word_boxes)


def logo_box(timeline: Timeline) -> Optional[tuple[int, int, int, int]]:
    """Where the brand logo goes: a corner of the safe area, inset by its clear space; start/end follow
    the reading direction."""
    logo = timeline.brand.logo
    if logo is None:
        return None
    p = timeline.platform
    x0, y0, x1, y1 = p.safe_box
    w = round(min(x1 - x0, y1 - y0) * logo.size / 100)     # the same visual weight in 9:16 and 16:9
    iw, ih = _image_size(str(logo.file))
    h = round(w * ih / iw)
    pad = round(h * logo.clear_space)
    vert, horiz = logo.position.split("-")
    if horiz == "center":
        x = (x0 + x1 - w) // 2
    else:
        at_left = (horiz == "start") != timeline.rtl
        x = x0 + pad if at_left else x1 - pad - w
    y = y0 + pad if vert == "top" else y1 - pad - h
    return (x, y, w, h)


@lru_cache(maxsize=32)
def _image_size(path: str) -> tuple[int, int]:
    with Image.open(path) as img:
        return img.size


def place_logo(timeline: Timeline, background_rgb: np.ndarray) -> Optional[Placed]:
    box = logo_box(timeline)
    if box is None:
        return None
    x, y, w, h = box
    path = str(logo_variant(timeline.brand, background_rgb[y:y + h, x:x + w]))
    return Placed(_logo_sprite(path, file_id(path), w, h), x, y)      # unreadable: load_image says why


@lru_cache(maxsize=8)
def _logo_sprite(path: str, identity, w: int, h: int) -> Sprite:
    """The logo file at w×h: the same sprite for every scene (and, while the file is unchanged, every render
    of a long-lived process)."""
    return Sprite.from_image(load_image(path, "brand logo").resize((w, h), Image.LANCZOS))


def logo_variant(brand: Brand, under: np.ndarray):
    """The logo file for what lies under it: the light-ink variant on dark backgrounds."""
    logo = brand.logo
    px = under.astype(np.float32) / 255
    luminance = float((px @ np.array([0.2126, 0.7152, 0.0722], np.float32)).mean()) if px.size else 1.0
    return logo.on_dark if (logo.on_dark and luminance < 0.5) else logo.file


# -- backgrounds --------------------------------------------------------------------------

def gradient(w: int, h: int, c0, c1, direction: str) -> np.ndarray:
    """c0 to c1 across a w×h frame, dithered. The ramp is computed on a row or column where it can be
    (vertical, horizontal) and broadcast, else on the broadcast sum of a row and a column, a band of
    rows at a time (the band's floats stay in the cache)."""
    x = np.arange(w, dtype=np.float32)[None, :]
    if direction in ("vertical", "horizontal"):
        ramp = np.linspace(0, 1, h if direction == "vertical" else w, dtype=np.float32)
        return _spread_ramp(ramp[:, None] if direction == "vertical" else ramp[None, :], c0, c1, h, w)
    out = np.empty((h, w, 3), np.uint8)
    for y0 in range(0, h, BAND):
        y = np.arange(y0, min(h, y0 + BAND), dtype=np.float32)[:, None]
        if direction == "diagonal":
            t = (x / max(1, w - 1) + y / max(1, h - 1)) / 2
        else:                   # radial
            t = np.sqrt(((x - w / 2) / (w / 2)) ** 2 + ((y - h / 2) / (h / 2)) ** 2) / np.sqrt(2)
        _blend_band(np.clip(t, 0, 1), c0, c1, out[y0:y0 + len(y)], y0)
    return out


BAND = 64       # rows of a gradient computed together


def _blend_band(t: np.ndarray, c0, c1, out: np.ndarray, y0: int) -> None:
    """out = c0 + (c1 - c0) * t plus the dither, clipped, channel by channel (rows y0... of the frame)."""
    dither = _dither_rows(y0 & 1, *t.shape)
    v = np.empty(t.shape, np.result_type(np.float32, t.dtype))
    for c in range(3):
        a = np.float32(c0[c])
        np.multiply(np.float32(c1[c]) - a, t, out=v)
        v += a
        v += dither
        out[..., c] = np.clip(v, 0, 255, out=v)


def _spread_ramp(ramp: np.ndarray, c0, c1, h: int, w: int) -> np.ndarray:
    """A ramp that is a column (vertical) or a row (horizontal) finished there, its two dithered values
    (+0.25, +0.75) per pixel of the ramp, and spread over the frame by the checkerboard."""
    lo, hi = (np.empty(ramp.shape + (3,), np.uint8) for _ in range(2))
    for c in range(3):
        a = np.float32(c0[c])
        v = a + (np.float32(c1[c]) - a) * ramp
        lo[..., c], hi[..., c] = (np.clip(v + np.float32(d), 0, 255).astype(np.uint8) for d in (0.25, 0.75))
    out = np.empty((h, w, 3), np.uint8)
    if ramp.shape[0] == 1:          # horizontal: two rows, the even one and the odd one, repeated
        even_x = (np.arange(w) % 2 == 0)[:, None]
        out[0::2], out[1::2] = np.where(even_x, lo[0], hi[0]), np.where(even_x, hi[0], lo[0])
        return out
    even_y = (np.arange(h) % 2 == 0)[:, None]       # vertical: each row alternates its two values
    first, second = np.where(even_y, lo[:, 0], hi[:, 0]), np.where(even_y, hi[:, 0], lo[:, 0])
    if w % 2 == 0:                  # written as pairs of pixels, contiguously
        out.reshape(h, w // 2, 2, 3)[...] = np.stack((first, second), axis=1)[:, None]
    else:
        out[:, 0::2], out[:, 1::2] = first[:, None], second[:, None]
    return out


@lru_cache(maxsize=4)
def _dither_rows(parity: int, h: int, w: int) -> np.ndarray:
    """A checkerboard of ±0.25 (plus rounding), its first row of parity `parity`: hides 8-bit banding in
    long gradients after x264."""
    pattern = np.tile(np.array([0.25, 0.75], np.float32), w // 2 + 2)
    out = np.empty((h, w), np.float32)
    out[0::2], out[1::2] = pattern[parity:parity + w], pattern[1 - parity:1 - parity + w]
    return out


DECOR_FPS = 15          # a moving colour/gradient background is redrawn 15 times a second (every 2nd frame)


def soft_shape(d: int, color, ring: bool, alpha: float) -> Sprite:
    """A decorative disc or ring, antialiased: drawn 4× and each 4×4 block averaged (its coverage), in
    premultiplied colour ("RGBa") so the transparent outside does not darken the edge."""
    from PIL import ImageDraw
    fill = tuple(color[:3]) + (round(255 * alpha),)
    ink = Image.new("RGBA", (1, 1), fill).convert("RGBa").getpixel((0, 0))
    big = Image.new("RGBa", (d * 4, d * 4), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    if ring:
        draw.ellipse((0, 0, d * 4 - 1, d * 4 - 1), outline=ink, width=max(4, d // 6))
    else:
        draw.ellipse((0, 0, d * 4 - 1, d * 4 - 1), fill=ink)
    return Sprite.from_image(big.reduce(4).convert("RGBA"))


def _even(v: float) -> int:
    """The even integer at or below v."""
    return 2 * math.floor(v / 2)


class Motion:
    """Continuous motion of a colour or gradient background (`drift`, `shapes`): the gradient (a soft light
    on a flat colour) drawn larger than the frame, dithered, and panned; soft shapes in the palette drift
    over it at different depths (parallax). Deterministic per scene; redrawn DECOR_FPS times a second."""

    def __init__(self, bg, w: int, h: int, duration: float, index: int, rgba):
        import random
        rnd = random.Random(1000 + index)
        short = min(w, h)
        self.w, self.h, self.duration = w, h, max(duration, 0.01)
        speed = bg.drift * short / 100                        # px a second
        self.travel = int(speed * self.duration) + 2
        angle = rnd.uniform(0, 2 * np.pi)
        self.dir = (np.cos(angle), np.sin(angle))
        c0 = rgba(bg.colors[0])
        if bg.kind == "gradient":
            c1 = rgba(bg.colors[-1])
            direction = bg.direction
        else:                   # a flat colour gets a soft light, a little lighter, that drifts
            c1, c0 = c0, tuple(min(255, int(v + (255 - v) * 0.12)) for v in c0[:3])
            direction = "radial"
        self.big = gradient(w + self.travel, h + self.travel, c0, c1, direction)
        palette = [rgba("light"), rgba("accent")]
        self.shapes = []
        for i in range(bg.shapes):
            d = int(short * rnd.uniform(0.12, 0.3))
            ring = i % 2 == 0
            sprite = soft_shape(d, palette[i % 2], ring, 0.22 if ring else 0.1)
            depth = rnd.uniform(0.7, 1.6)
            a = rnd.uniform(0, 2 * np.pi)
            v = max(speed, short * 0.025) * depth               # shapes always float, even without drift
            self.shapes.append((sprite, rnd.uniform(-0.1, 1.0) * w, rnd.uniform(-0.1, 1.0) * h,
                                v * np.cos(a), v * np.sin(a), rnd.uniform(0, 6.28)))

    def parts(self, t: float) -> tuple[Pan, list[tuple[Sprite, int, int]]]:
        """The frame at t as the window of the big gradient it shows, and the shapes over it (Sprite, x, y).
        Both move by whole pairs of pixels: the gradient's dither stays put on the screen (it would flicker
        at every odd step, for x264 to encode), and each is converted to the encoder's YUV at one parity
        of position (its chroma blocks) instead of four. At 15 redraws a second, a soft light or shape
        drifting 20-40 px a second steps by 2 px or so either way."""
        q = min(1.0, max(0.0, t / self.duration))
        ox = _even((self.travel - 1) * (q if self.dir[0] >= 0 else 1 - q))
        oy = _even((self.travel - 1) * (q if self.dir[1] >= 0 else 1 - q))
        shapes = [(sprite, _even(x + vx * t), _even(y + vy * t + np.sin(phase + t * 1.3) * sprite.h * 0.06))
                  for sprite, x, y, vx, vy, phase in self.shapes]
        return Pan(self.big, ox, oy, self.w, self.h), shapes

    def frame(self, t: float) -> np.ndarray:
        pan, shapes = self.parts(t)
        out = pan.window().copy()
        # the gradient only pans: the encoder cuts its YUV from the big gradient's, converts only the shapes
        return drawn(out, pan, [sprite.blend(out, x, y) for sprite, x, y in shapes])


class Background:
    """Frame-sized RGB background; `static` when it does not change over time."""

    def __init__(self, scene_time, timeline: Timeline):
        bg = scene_time.background
        p = timeline.platform
        self.w, self.h = p.width, p.height
        self.kind = bg.kind
        self.zoom = bg.zoom
        self.duration = scene_time.duration
        self.video = None
        self._zoom_key, self._zoom_frame = None, None
        where = f"scenes[{scene_time.index}] ({scene_time.scene.id}).background"
        rgba = timeline.brand.rgba
        self.motion = None
        if bg.kind in ("color", "gradient") and (getattr(bg, "drift", 0) or getattr(bg, "shapes", 0)):
            self.motion = Motion(bg, self.w, self.h, self.duration, scene_time.index, rgba)
            self._zoom_key, self._zoom_frame = 0, self.motion.frame(0.0)
            self.still = self._zoom_frame
        elif bg.kind == "color":
            self.still = np.empty((self.h, self.w, 3), np.uint8)
            self.still[...] = rgba(bg.colors[0])[:3]
        elif bg.kind == "gradient":
            self.still = gradient(self.w, self.h, rgba(bg.colors[0]), rgba(bg.colors[-1]), bg.direction)
        elif bg.kind == "image":
            img = load_image(str(bg.file), where).convert("RGB")
            if bg.fit == "contain":
                base = Image.new("RGBA", (self.w, self.h), rgba("dark"))
                base.alpha_composite(fit(img.convert("RGBA"), self.w, self.h, "contain"))
                self.still, self.zoom = np.asarray(base.convert("RGB")).copy(), 1.0
            else:
                source = np.asarray(fit(img, round(self.w * bg.zoom), round(self.h * bg.zoom), bg.fit))
                if self.zoom > 1:       # converted once; each step of the zoom scales that
                    sh, sw = source.shape[:2]
                    self._source_yuv = planes(source[:sh & ~1, :sw & ~1])
                self.still = self._zoomed(0.0).rgb if self.zoom > 1 else source
        else:
            self.video = VideoSource(str(bg.file), self.w, self.h, start=bg.start, loop=bg.loop, where=where)
            self.still = self.video.frame(0.0)

    @property
    def static(self) -> bool:
        return self.video is None and self.motion is None and (self.kind != "image" or self.zoom <= 1.0)

    def _zoomed(self, t: float) -> Converted:
        """Slow zoom from 1 to `zoom` over the scene: a centred crop of the pre-scaled source's yuv420p
        (converted once), scaled by swscale (4 ms a 1080×1920 frame, where scaling and converting the RGB
        took 10; its RGB, if asked for, made from that). The crop's corners are even (whole chroma
        blocks): its edge is within a pixel of the exact one, under the ZOOM_STEP_PX it moves at each redraw."""
        sh, sw = self._source_yuv[0].shape
        z = 1 + (self.zoom - 1) * min(1.0, t / max(self.duration, 0.01))
        crop = centre_crop(sw, sh, self.w * self.zoom / z, self.h * self.zoom / z)
        return Converted(scaled_planes(self._source_yuv, crop, self.w, self.h), self.w, self.h)

    def key(self, t: float):
        """What the frame at t depends on: equal keys, equal frames. A slow zoom moves the frame's edge by
        under a pixel a frame: it is redrawn only once the edge has moved ZOOM_STEP_PX pixels (the centre
        far less); a drifting background DECOR_FPS times a second."""
        if self.video is not None:
            return self.video.index(t)
        if self.static:
            return 0
        if self.motion is not None:
            return int(min(t, self.duration) * DECOR_FPS)
        step = self.zoom_step()
        return int(min(t, self.duration) / step) if step else 0

    def _draw(self, key) -> np.ndarray:
        """A new array of a moving background's frame at `key`."""
        if self.motion is not None:
            return self.motion.frame(key / DECOR_FPS)
        return self._zoomed(key * self.zoom_step()).rgb

    def parts(self, t: float) -> tuple:
        """The frame at t as the encoder can take it without converting what it knows: (under, shapes over
        it (Sprite, x, y)), under a drifting gradient's Pan, a zoom's Converted frame or an RGB array."""
        if self.video is not None:
            return self.video.frame(t), ()
        if self.static:
            return self.still, ()
        if self.motion is not None:
            return self.motion.parts(self.key(t) / DECOR_FPS)
        return self._zoomed(self.key(t) * self.zoom_step()), ()

    def frame(self, t: float) -> np.ndarray:
        """The frame at t: the same array for as long as the background holds still."""
        if self.video is not None:
            return self.video.frame(t)
        if self.static:
            return self.still
        key = self.key(t)
        if key != self._zoom_key:
            self._zoom_key, self._zoom_frame = key, self._draw(key)
        return self._zoom_frame

    def fresh(self, t: float) -> np.ndarray:
        """The frame at t as a new array, the caller's to draw on (the compositor's resting composite): a
        moving background's frame is drawn for it, not drawn and then copied. It says what it was drawn
        over where it can (encode.drawn): the still background, or a drifting gradient's pan."""
        if self.video is not None:
            return self.video.frame(t).copy()
        if self.static:
            return drawn(self.still.copy(), self.still, ())
        return self._draw(self.key(t))

    def zoom_step(self) -> float:
        """Seconds for the zoom to move the frame's edge by ZOOM_STEP_PX pixels."""
        edge_px = (self.zoom - 1) * max(self.w, self.h) / 2
        return self.duration * ZOOM_STEP_PX / edge_px if edge_px > ZOOM_STEP_PX else 0.0

    def close(self):
        if self.video is not None:
            self.video.close()


def placed_item(item: Item, timeline: Timeline, where: str, background: Optional[np.ndarray] = None):
    """Item -> Placed (a still sprite) or a moving source (`.frame(t)`), drawn by its element kind;
    captions are drawn as text."""
    if item.kind == "caption":
        style = item.options.get("caption")          # an animated caption style draws its own events
        return CAPTIONS[style].place(item, timeline) if style else place_text(item, timeline)
    return ELEMENTS[item.kind].place(item, timeline, where, background)
