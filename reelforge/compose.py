"""The frame loop: draw a Timeline frame by frame, re-blending only what moves.

Each scene's sprites are rasterised once (layers.py). Layers at rest are blended onto the background once
and that composite is reused until the set of resting layers changes; a frame where nothing moves is the
cached composite itself. Moving layers (enter/exit animations, word reveals, videos) are blended on a
copy, or, when the frame before had the same moving layers over the same composite, only where one of
them shows something else. A layer's content is a Placed sprite, or a moving source redrawn every frame:
its `.frame(t)` is opaque RGB pasted at `.origin` (a video), or RGBA (an array or a Sprite) blended there
and animated like a sprite (a Lottie animation, a counter).

Rendering for the encoder (`convert`, the encoder's encode.YuvFrames), frames are composed in its
yuv420p: the background's conversion (a drifting gradient's cut from its big image's, a zoom's scaled
from its picture's, a still's converted once) with the sprites blended on its planes (Sprite.blend_yuv), and
a frame's RGB is made from its YUV only when something draws what is not a sprite (a video) or asks for
it (encode.Converted). Otherwise every frame says what it was drawn over and where (encode.drawn): the
encoder converts only those rectangles.
"""
from __future__ import annotations

import math
from typing import Iterator, Optional

import numpy as np
from PIL import Image

from .animation import DECORATED, EASINGS, REST, Pose, keyframed, pose, stagger
from .encode import Converted, Pan, as_rgb, drawn, grown, merged_rects as _merged
from .layers import (SPRITES, Background, Faded, Placed, Sprite, Sprites, blended, meet, placed_item, place_logo,
                     reblended)
from .model import Animation
from .registry import TRANSITIONS
from .timeline import Item, SceneTime, Timeline
from .transitions import blend_scenes


class Layer:
    def __init__(self, item: Item, content, rtl: bool, accent=(255, 200, 87, 255), ink=(14, 42, 47, 255)):
        self.item, self.content, self.rtl, self.accent, self.ink = item, content, rtl, accent, ink
        a = item.animate
        # a decorated kinetic preset (sweep, underline) keeps its decoration at rest: drawn once, cached
        self.rest = pose(a.enter, 1.0, rtl) if a.enter in DECORATED else REST
        self._rest_drawn = None
        self.enter_end = item.start + (a.duration if a.enter != "none" else 0)
        self.exit_start = item.end - (a.duration if a.exit != "none" else 0)

    def visible(self, t: float) -> bool:
        return self.item.start <= t < self.item.end

    def moving(self, t: float) -> bool:
        keys = self.item.animate.keyframes
        return not isinstance(self.content, Placed) or t < self.enter_end or t >= self.exit_start \
            or (bool(keys) and t - self.item.start < keys[-1].at)

    def pose(self, t: float) -> Pose:
        a = self.item.animate
        if a.keyframes:
            k = keyframed(a.keyframes, t - self.item.start)
            base = pose(a.enter, (t - self.item.start) / a.duration, self.rtl) if t < self.enter_end else self.rest
            return Pose(k.dx + base.dx, k.dy + base.dy, k.scale * base.scale, k.alpha * base.alpha, base.reveal)
        if t < self.enter_end:
            return pose(a.enter, (t - self.item.start) / a.duration, self.rtl, entering=True)
        if t >= self.exit_start:
            return pose(a.exit, (t - self.exit_start) / a.duration, self.rtl, entering=False)
        return self.rest

    def look(self, t: float, size: tuple[int, int], at_rest: bool = False) -> tuple:
        """What the layer shows at t in a frame of `size` (w, h): (Sprite, x, y), or (RGB array, x, y) for
        opaque pixels pasted as they are (a video). The same objects while nothing changes."""
        c = self.content
        if not isinstance(c, Placed):
            out = c.frame(t - self.item.start)
            if not isinstance(out, SPRITES) and out.shape[2] == 3:
                return (out, *c.origin)
            c = Placed(out if isinstance(out, SPRITES) else Sprite(out), *c.origin)   # RGBA: blended and posed
        p = self.pose(t) if not at_rest or self.item.animate.keyframes else self.rest
        if p == REST:
            return (c.sprite, c.x, c.y)
        if p == self.rest and isinstance(self.content, Placed):
            if self._rest_drawn is None:
                self._rest_drawn = posed(c, p, self.accent, self.ink)
            sprite, x, y = self._rest_drawn
        else:
            sprite, x, y = posed(c, p, self.accent, self.ink)
        return (sprite, x + round(p.dx * size[0]), y + round(p.dy * size[1]))

    def draw(self, frame: np.ndarray, t: float, at_rest: bool = False) -> Optional[tuple[int, int, int, int]]:
        """Draw the layer at t on `frame`; -> the rectangle drawn on (x0, y0, x1, y1), None if none."""
        return show(frame, self.look(t, (frame.shape[1], frame.shape[0]), at_rest))


def show(frame: np.ndarray, look: tuple, clip=None) -> Optional[tuple[int, int, int, int]]:
    """Draw a Layer.look on `frame` (within `clip` only, if given); -> the rectangle drawn on."""
    what, x, y = look
    return what.blend(frame, x, y, clip) if isinstance(what, SPRITES) else paste(frame, what, x, y, clip)


def _same(a: tuple, b: tuple) -> bool:
    """Two Layer.looks show the same: the same sprite (or array) at the same place."""
    return a[0] is b[0] and a[1:] == b[1:]


def extent(look: tuple, fw: int, fh: int) -> Optional[tuple[int, int, int, int]]:
    """The rectangle of a fw×fh frame that a Layer.look draws on."""
    what, x, y = look
    if isinstance(what, SPRITES):
        return what.rect(x, y, fw, fh)
    r = (max(x, 0), max(y, 0), min(x + what.shape[1], fw), min(y + what.shape[0], fh))
    return r if r[0] < r[2] and r[1] < r[3] else None


def paste(frame: np.ndarray, rgb: np.ndarray, x: int, y: int, clip=None) -> Optional[tuple[int, int, int, int]]:
    r = meet(extent((rgb, x, y), frame.shape[1], frame.shape[0]), clip)
    if r is None:
        return None
    x0, y0, x1, y1 = r
    frame[y0:y1, x0:x1] = rgb[y0 - y:y1 - y, x0 - x:x1 - x]
    return r


def posed(c: Placed, p: Pose, accent=(255, 200, 87, 255), ink=(14, 42, 47, 255)) -> tuple[Sprite, int, int]:
    """The sprite transformed by a pose (reveal, kinetic words, scale, opacity), and its new top-left corner."""
    rgba, x, y = c.sprite.rgba, c.x, c.y
    if p.alpha <= 0 or p.reveal <= 0:
        return Sprite(np.zeros((1, 1, 4), np.uint8)), x, y
    if p.kinetic:
        group, x, y = kinetic(c, p, accent, ink)
        if p.reveal >= 1 and abs(p.scale - 1) <= 1e-3 and p.alpha >= 1:
            return group, x, y          # blended word by word, never composed
        rgba = group.rgba
    if p.reveal < 1 and c.word_boxes:
        shown = math.ceil(p.reveal * len(c.word_boxes))
        mask = np.zeros(rgba.shape[:2], bool)
        for x0, y0, x1, y1 in c.word_boxes[:shown]:
            mask[max(0, int(y0)):int(math.ceil(y1)), max(0, int(x0)):int(math.ceil(x1))] = True
        rgba = rgba.copy()
        rgba[..., 3] *= mask
    if abs(p.scale - 1) > 1e-3:
        h, w = rgba.shape[:2]
        nw, nh = max(1, round(w * p.scale)), max(1, round(h * p.scale))
        sprite, dx, dy = _scaled(c, rgba, nw, nh)
        x, y = x + (w - nw) // 2 + dx, y + (h - nh) // 2 + dy
    else:       # only moved (a slide once faded in): the sprite itself, already premultiplied
        sprite = c.sprite if rgba is c.sprite.rgba else Sprite(rgba)
    return (Faded(sprite, p.alpha) if p.alpha < 1 else sprite), x, y


def _scaled(c: Placed, rgba: np.ndarray, nw: int, nh: int) -> tuple[Sprite, int, int]:
    """`rgba` (the placed sprite's, or a reveal or kinetic composite of it) resized to nw×nh (scaled_ink) as
    a Sprite, and its corner. The placed sprite's last resize is kept: the last frames of an ease often
    round to the same size, and then show the same sprite (prepared once; the frame before, again)."""
    own = rgba is c.sprite.rgba
    last = c.__dict__.get("_scaled")
    if own and last is not None and last[0] == (nw, nh):
        return last[1]
    scaled, dx, dy = scaled_ink(rgba, c.sprite.box if own else None, nw, nh)
    out = (Sprite(scaled), dx, dy)
    if own:
        c.__dict__["_scaled"] = ((nw, nh), out)
    return out


def scaled_ink(rgba: np.ndarray, box, nw: int, nh: int) -> tuple[np.ndarray, int, int]:
    """The part of `rgba` resized to nw×nh (bilinear, premultiplied: Pillow's) that can hold ink, and its
    corner (dx, dy) in the resized image: the pixels of that resize, but only the ink's rectangle (`box`,
    found when None) and the filter's reach around it are read and scaled, not the transparent margins."""
    h, w = rgba.shape[:2]
    if box is None:
        rows = np.flatnonzero(rgba[..., 3].any(axis=1))
        if not rows.size:
            return rgba[:1, :1], 0, 0
        cols = np.flatnonzero(rgba[rows[0]:rows[-1] + 1, :, 3].any(axis=0))
        box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    sx, sy = w / nw, h / nh
    # output pixel j samples the input around (j + 0.5)·s, `reach` input pixels either side (bilinear: 1, and
    # s when shrinking); keep the output pixels whose window meets the ink
    rx, ry = max(1.0, sx) + 1, max(1.0, sy) + 1
    ox0, oy0 = max(0, math.floor((box[0] - rx) / sx)), max(0, math.floor((box[1] - ry) / sy))
    ox1, oy1 = min(nw, math.ceil((box[2] + rx) / sx) + 1), min(nh, math.ceil((box[3] + ry) / sy) + 1)
    # ...reading the input those pixels' windows reach (Pillow clips a window to its image: the crop's
    # edges are the image's, or beyond every window)
    ix0, iy0 = max(0, math.floor(ox0 * sx - rx)), max(0, math.floor(oy0 * sy - ry))
    ix1, iy1 = min(w, math.ceil(ox1 * sx + rx)), min(h, math.ceil(oy1 * sy + ry))
    part = Image.fromarray(rgba[iy0:iy1, ix0:ix1])
    out = part.resize((ox1 - ox0, oy1 - oy0), Image.BILINEAR,
                      box=(ox0 * sx - ix0, oy0 * sy - iy0, ox1 * sx - ix0, oy1 * sy - iy0))
    return np.asarray(out), ox0, oy0


def _regions(c: Placed):
    """Each word's pixel rectangle (reading order) and the label map (-1: pixels of no word, e.g. a box)."""
    cached = c.__dict__.get("_regions")
    if cached is None:
        rgba = c.sprite.rgba
        h, w = rgba.shape[:2]
        boxes = c.word_boxes or ((0, 0, w, h),)
        wh = max(y1 - y0 for _, y0, _, y1 in boxes)
        yy, xx = np.arange(h, dtype=np.float32)[:, None], np.arange(w, dtype=np.float32)[None, :]
        best = np.full((h, w), wh * 0.6, np.float32)         # pixels nearer a word than this are the word's
        labels = np.full((h, w), -1, np.int16)
        for i, (x0, y0, x1, y1) in enumerate(boxes):
            d = np.maximum(np.maximum(x0 - xx, 0) + np.maximum(xx - x1, 0), np.maximum(y0 - yy, 0) + np.maximum(yy - y1, 0))
            near = d < best
            best[near], labels[near] = d[near], i
        inside = rgba[h // 2, min(w - 1, 1)]
        if inside[3] == 255:        # a text box: its flat colour stays put (only the words move)
            labels[np.all(rgba == inside, axis=2)] = -1
        rects = []
        for i in range(len(boxes)):
            ys, xs = np.nonzero(labels == i)
            rects.append((int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1) if xs.size else (0, 0, 1, 1))
        cached = c.__dict__["_regions"] = (rects, labels)
    return cached


def _masked(c: Placed):
    """Each word's pixels alone (its rectangle, other words' pixels transparent), and the pixels of no
    word (None if there are none): the same on every frame of a kinetic animation, so cut once."""
    cached = c.__dict__.get("_masked")
    if cached is None:
        rgba = c.sprite.rgba
        rects, labels = _regions(c)
        words = []
        for i, (x0, y0, x1, y1) in enumerate(rects):
            word = rgba[y0:y1, x0:x1].copy()
            word[labels[y0:y1, x0:x1] != i, 3] = 0
            words.append(word)
        rest = rgba.copy()
        rest[labels >= 0, 3] = 0
        cached = c.__dict__["_masked"] = (words, rest if rest[..., 3].any() else None)
    return cached


def _word_sprites(c: Placed):
    """Each word's pixels as a Sprite, and the pixels of no word (None if none): prepared once."""
    cached = c.__dict__.get("_word_sprites")
    if cached is None:
        words, rest = _masked(c)
        cached = c.__dict__["_word_sprites"] = ([Sprite(w) for w in words], Sprite(rest) if rest is not None else None)
    return cached


def kinetic(c: Placed, p: Pose, accent, ink) -> tuple[Sprites, int, int]:
    """Word-by-word kinetic typography: each word's pixels (whole words, so Arabic stays joined) moved,
    scaled and faded by its own staggered progress in reading order; sweep/underline add an accent
    decoration drawn on in the reading direction. Returns the parts (words at rest are the sprites
    prepared once; only words in motion are made anew) on a canvas with room to move, and its corner."""
    rgba = c.sprite.rgba
    h, w = rgba.shape[:2]
    rects, labels = _regions(c)
    words, rest = _masked(c)
    still, rest_sprite = _word_sprites(c)
    n = len(rects)
    wh = max(b[3] - b[1] for b in (c.word_boxes or rects))     # a line of glyphs' height
    m = int(max(r[3] - r[1] for r in rects) * 0.8) + 2
    parts = []
    if rest is not None:
        parts.append((Faded(rest_sprite, p.q * 2) if p.q < 0.5 else rest_sprite, m, m))
    ease, back = EASINGS["ease-out"], EASINGS["back-out"]
    key, swept = -1, None
    if p.kinetic in DECORATED:
        boxes = [tuple(int(round(v)) for v in b) for b in c.word_boxes] or rects
        key = max(range(n), key=lambda i: boxes[i][2] - boxes[i][0])
        line = [r for r in boxes if abs(r[1] - boxes[-1][1]) < wh * 0.5] if p.kinetic == "underline" else [boxes[key]]
        x0, y0 = min(r[0] for r in line), min(r[1] for r in line)
        x1, y1 = max(r[2] for r in line), max(r[3] for r in line)
        g = ease(min(1.0, max(0.0, (p.q - 0.45) / 0.55)))
        if g > 0:
            if p.kinetic == "sweep":
                pad = int(wh * 0.1)
                box = (x0 - pad, y0 - pad // 2, x1 + pad, y1 + pad // 2)
            else:
                th = max(2, int(wh * 0.09))
                box = (x0, y1 - th // 2, x1, y1 + th)
            bw = (box[2] - box[0]) * g
            bx = (box[2] - bw, box[1], box[2], box[3]) if p.rtl else (box[0], box[1], box[0] + bw, box[3])
            swept = bx if p.kinetic == "sweep" else None
            parts.append(_bar(bx, int(wh * 0.12), accent, m))
    for i, (x0, y0, x1, y1) in enumerate(rects):
        qi = stagger(min(1.0, p.q / 0.55) if p.kinetic in DECORATED else p.q, i, n)
        if qi <= 0:
            continue
        e, dx, dy, s = ease(qi), 0.0, 0.0, 1.0
        if p.kinetic == "pop-words":
            s, e = 0.4 + 0.6 * back(qi), min(1.0, qi * 3)
        elif p.kinetic == "slide-words":
            dx = (1 - e) * wh * 1.2 * (1 if p.rtl else -1)
        else:
            dy = (1 - e) * wh * 0.6
        at_rest = e >= 1 and abs(s - 1) <= 1e-3 and round(dx) == 0 and round(dy) == 0
        if at_rest and not (i == key and swept is not None):
            parts.append((still[i], m + x0, m + y0))        # in place: the word's sprite, prepared once
            continue
        if abs(s - 1) <= 1e-3 and not (i == key and swept is not None):     # only moved and faded
            parts.append((Faded(still[i], e) if e < 1 else still[i], m + x0 + round(dx), m + y0 + round(dy)))
            continue
        word = words[i].copy()
        if i == key and swept is not None:      # the swept word in ink on the accent box (legible)
            cols = np.arange(x0, x1)
            word[:, (cols >= swept[0]) & (cols < swept[2]), :3] = ink[:3]
        if e < 1:
            word[..., 3] = (word[..., 3] * e).astype(np.uint8)
        ww, hh = x1 - x0, y1 - y0
        if abs(s - 1) > 1e-3:
            word = np.asarray(Image.fromarray(word).resize((max(1, round(ww * s)), max(1, round(hh * s))), Image.BILINEAR))
        px = m + x0 + round(dx) - (word.shape[1] - ww) // 2
        py = m + y0 + round(dy) - (word.shape[0] - hh) // 2
        parts.append((Sprite(word), px, py))
    return Sprites(w + 2 * m, h + 2 * m, parts), c.x - m, c.y - m


def _bar(bx: tuple, radius: int, accent, m: int) -> tuple[Sprite, int, int]:
    """A rounded accent bar over the float box `bx` (text coordinates), as ImageDraw draws it on a canvas
    shifted by `m`: drawn on a canvas of its own at a whole-pixel corner, which shifts nothing."""
    from PIL import ImageDraw
    ox, oy = int(math.floor(bx[0] + m)), int(math.floor(bx[1] + m))
    img = Image.new("RGBA", (int(math.ceil(bx[2] + m)) - ox + 2, int(math.ceil(bx[3] + m)) - oy + 2), (0, 0, 0, 0))
    ImageDraw.Draw(img).rounded_rectangle((bx[0] + m - ox, bx[1] + m - oy, bx[2] + m - ox, bx[3] + m - oy),
                                          radius=radius, fill=tuple(accent))
    return Sprite(np.asarray(img)), ox, oy


class SceneDrawer:
    """Draws one scene at any scene-local time."""

    def __init__(self, timeline: Timeline, st: SceneTime, extra_layers=(), background: Optional[Background] = None,
                 convert=None):
        self.st, self.convert = st, convert
        self.bg = background if background is not None else Background(st, timeline)   # the studio hands one over
        where = f"scenes[{st.index}] ({st.scene.id})"
        accent, ink = timeline.brand.rgba("accent"), timeline.brand.rgba("dark")
        self.layers = [Layer(item, placed_item(item, timeline, f"{where}.{item.name}", self.bg.still), timeline.rtl,
                             accent, ink) for item in st.items]
        self.layers += list(extra_layers)
        shows_logo = any(item.kind == "logo" for item in st.items)      # a logo element replaces the corner logo
        logo = None if shows_logo else place_logo(timeline, self.bg.still)
        if logo is not None:
            item = Item("logo", (logo.x, logo.y, logo.sprite.w, logo.sprite.h), 0.0, st.duration + 1,
                        Animation("none", "none", 0.0), name="logo")
            self.layers.append(Layer(item, logo, timeline.rtl))
        self._key: Optional[tuple] = None
        self._bg_key = None
        self._base: Optional[np.ndarray] = None
        self._last: Optional[tuple] = None     # (base, moving layers, frame, their looks) of the last moving frame

    def frame(self, t: float, without=()):
        """The scene at local time t (an RGB array, or with `convert` possibly a Converted frame: as_rgb);
        `without`: indices of layers left out (drawn by a transition)."""
        visible = [(i, layer) for i, layer in enumerate(self.layers) if layer.visible(t) and i not in without]
        resting = tuple(i for i, layer in visible if not layer.moving(t))
        moving = [layer for i, layer in visible if layer.moving(t)]
        key = self.bg.key(t)                 # the background holds still while its key does
        if key != self._bg_key or resting != self._key:
            self._bg_key, self._key = key, resting
            self._base = self._resting(t, resting) if self.convert is None else self._resting_yuv(t, resting)
        if not moving:
            return self._base
        size = (self.bg.w, self.bg.h)
        looks = [layer.look(t, size) for layer in moving]
        return self._moved(moving, looks)

    def _resting(self, t: float, resting: tuple) -> np.ndarray:
        """The background at t with the resting layers drawn on it, saying what it was drawn over."""
        base = self.bg.fresh(t)          # ours: the resting layers are drawn on it in place
        under, shapes = getattr(base, "under", None), getattr(base, "rects", ())
        rects = [self.layers[i].draw(base, t, at_rest=True) for i in resting]
        return drawn(base, under, [*shapes, *rects]) if under is not None else base

    def _resting_yuv(self, t: float, resting: tuple) -> Converted:
        """The same composite made in the encoder's yuv420p: the background's conversion (a drifting
        gradient's cut from its big image's, a zoom's scaled from its picture's, a still's converted once) with
        its shapes and the resting layers' sprites blended on its planes (Sprite.blend_yuv). Its RGB is made
        only if something draws on it."""
        under, shapes = self.bg.parts(t)
        w, h = self.bg.w, self.bg.h
        looks = [*shapes, *(self.layers[i].look(t, (w, h), at_rest=True) for i in resting)]
        if isinstance(under, Converted) and not looks:
            return under
        # a pan's conversion is a new array, blended on in place; the others are kept, and copied
        return blended(self.convert.of(under), w, h, looks, copy=not isinstance(under, Pan))

    def _moved(self, moving: list, looks: list) -> np.ndarray:
        """The resting composite with the moving layers drawn on. Each frame says what it was drawn over
        and where (the encoder converts only that): over the resting composite, or, when the previous
        frame had the same moving layers over the same composite, over that frame, redrawn only where a
        layer shows something else (a caption between two words, a progress bar that has not grown)."""
        if isinstance(self._base, Converted) and all(isinstance(what, SPRITES) for what, _, _ in looks):
            return self._moved_yuv(moving, looks)
        base = as_rgb(self._base)
        fh, fw = base.shape[:2]
        last = self._last
        if last is not None and last[0] is base and last[1] == moving:
            prev, before = last[2], last[3]
            changed = [(a, b) for a, b in zip(before, looks) if not _same(a, b)]
            if not changed:
                return prev                  # the very same frame: its array again
            rects = _merged([r for a, b in changed for r in (extent(a, fw, fh), extent(b, fw, fh)) if r])
            frame = prev.copy()
            for r in rects:                 # the pixels under the change, then every moving layer over them
                frame[r[1]:r[3], r[0]:r[2]] = base[r[1]:r[3], r[0]:r[2]]
                for look in looks:
                    show(frame, look, clip=r)
            prev.under, prev.rects = None, ()      # no chain of frames kept alive (the encoder has it converted)
            frame = drawn(frame, prev, rects)
        else:
            frame = base.copy()
            frame = drawn(frame, base, [show(frame, look) for look in looks])
        self._last = (base, moving, frame, looks)
        return frame

    def _moved_yuv(self, moving: list, looks: list) -> Converted:
        """The same made in the encoder's yuv420p: the moving layers' sprites blended on the planes of the
        resting composite; after a frame of the same moving layers over the same composite, that frame
        again where they show what they showed (all of it if they all do)."""
        base, last = self._base, self._last
        if last is not None and last[0] is base and last[1] == moving:
            changed = [(a, b) for a, b in zip(last[3], looks) if not _same(a, b)]
            if not changed:
                return last[2]
            rects = _merged([grown(r, base.w, base.h) for a, b in changed
                             for r in (extent(a, base.w, base.h), extent(b, base.w, base.h)) if r])
            frame = reblended(last[2], base, looks, rects)
        else:
            frame = blended(base.yuv, base.w, base.h, looks)
        self._last = (base, moving, frame, looks)
        return frame

    def close(self) -> None:
        self.bg.close()
        for layer in self.layers:
            if not isinstance(layer.content, Placed):
                layer.content.close()


class Compositor:
    """Frames of a whole timeline, with transitions; holds at most two scenes' sprites at a time. With
    `convert` (the encoder's encode.YuvFrames), transition frames are made in YUV (transitions.py)."""

    def __init__(self, timeline: Timeline, extra_layers=None, convert=None):
        self.tl = timeline
        self.extra = extra_layers or (lambda st: ())
        self.convert = convert
        self._drawers: dict[int, SceneDrawer] = {}

    def drawer(self, i: int) -> SceneDrawer:
        if i not in self._drawers:
            for k in [k for k in self._drawers if k < i - 1]:
                self._drawers.pop(k).close()
            st = self.tl.scenes[i]
            self._drawers[i] = SceneDrawer(self.tl, st, self.extra(st), convert=self.convert)
        return self._drawers[i]

    def _local(self, i: int, t: float) -> np.ndarray:
        st = self.tl.scenes[i]
        return self.drawer(i).frame(min(max(0.0, t - st.start), st.duration - 1e-6))

    def frame_at(self, t: float) -> np.ndarray:
        """The RGB frame at t."""
        return as_rgb(self._frame(t))

    def _frame(self, t: float):
        scenes = self.tl.scenes
        i = next((k for k, s in enumerate(scenes) if t < s.end), len(scenes) - 1)
        for a, b in ((i, i + 1), (i - 1, i)):
            if a < 0 or b >= len(scenes):
                continue
            tr = scenes[a].transition
            edge = scenes[a].end
            if tr.duration > 0 and tr.name != "cut" and edge - tr.duration / 2 <= t < edge + tr.duration / 2:
                p = (t - (edge - tr.duration / 2)) / tr.duration
                ta, tb = (min(max(0.0, t - scenes[k].start), scenes[k].duration - 1e-6) for k in (a, b))
                return blend_scenes(TRANSITIONS[tr.name], self.drawer(a), ta, self.drawer(b), tb, p, self.tl.rtl,
                                    self.convert)
        return self._local(i, t)

    def frames(self) -> Iterator:
        """Every frame, for the encoder: RGB arrays, or (with `convert`) Converted frames whose RGB nothing
        needed."""
        fps = self.tl.platform.fps
        for k in range(self.frame_count()):
            yield self._frame(k / fps)

    def frame_count(self) -> int:
        return max(1, round(self.tl.duration * self.tl.platform.fps))

    def close(self) -> None:
        for d in self._drawers.values():
            d.close()
        self._drawers.clear()
