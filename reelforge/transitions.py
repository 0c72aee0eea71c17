"""Scene transitions: how the outgoing and incoming frames combine at progress 0→1.

A transition (`transition: fade`) is found through the `reelforge.transitions` registry: an object
with `name` and `__call__(a, b, p, rtl) -> frame`, where `a` is the outgoing scene's frame and `b` the
incoming one (both H×W×3 uint8, not to be modified; either may be returned as is), `p` the progress
0→1 through the transition window and `rtl` whether the video reads right to left. `Transition`
builds one from a function. `cut` has no window: the scenes just change.

A transition may also give `yuv(a, b, p, rtl, convert) -> yuv420p bytes`: the same frame made from the
two frames' yuv420p (`convert(frame)`, the encoder's conversion), when rendering for the encoder. There
`a` and `b` are the frames as the compositor made them: an RGB array, or an `encode.Converted` frame
(composed in YUV; `.shape` as an array's, `encode.as_rgb(frame)` its RGB, made from its YUV when asked).
Nothing is converted twice (fade, slide and wipe only mix or move pixels where they are: run on each
plane; zoom scales the outgoing frame's YUV).

`blend_scenes` runs a transition on two scenes' layers rather than on two finished frames, so that:
- what is identical on both sides (the corner logo, a same still element in the same place) is left out
  of both frames and drawn once on top: it stays put while the scenes fade, zoom or slide under it. The
  corner logo when its variant changes (light ink on a dark scene) crossfades in place, never scaled;
- for transitions that overlay the two scenes (`dip = True`: fade, zoom), text (text and bullet slots,
  counters, captions) dips: the outgoing scene's text fades out over the first half of the window and
  the incoming one's fades in over the second half, while the backgrounds and pictures blend over the
  whole window, so two text blocks are never seen over each other.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .animation import EASINGS
from .encode import Converted, as_rgb, drawn
from .layers import SPRITES, Placed, blended
from .pixels import centre_crop, scaled_planes, scaled_rgb, split


def _cut(a, b, p, rtl):
    return b


def _fade(a, b, p, rtl):
    """(a·(256 - w) + b·w) >> 8, computed as a + ((b - a)·w >> 8) in int16 from whichever end has w ≤ 128
    (so the product fits): the same integers, in place, 40% faster."""
    w = int(round(p * 256))
    if w > 128:
        a, b, w = b, a, 256 - w
    out = b.astype(np.int16)
    out -= a
    out *= w
    out >>= 8
    out += a
    return out.astype(np.uint8)


def _slide(a, b, p, rtl):
    """The new scene pushes the old one out, towards the reading direction's end."""
    h, w = a.shape[:2]
    s = int(round(EASINGS["ease-in-out"](p) * w))
    out = np.empty_like(a)
    if rtl:   # Arabic reads right to left: the new scene enters from the left
        out[:, s:] = a[:, : w - s]
        out[:, :s] = b[:, w - s:]
    else:
        out[:, : w - s] = a[:, s:]
        out[:, w - s:] = b[:, :s]
    return out


def _wipe(a, b, p, rtl):
    h, w = a.shape[:2]
    s = int(round(EASINGS["ease-in-out"](p) * w))
    out = a.copy()
    if rtl:
        out[:, w - s:] = b[:, w - s:]
    else:
        out[:, :s] = b[:, :s]
    return out


def _grown(p: float, w: int, h: int) -> tuple[slice, slice]:
    """The centre of the old scene (rows, columns) that the zoom grows to the whole w×h frame at progress p."""
    z = 1 + 0.25 * EASINGS["ease-in"](p)
    return centre_crop(w, h, w / z, h / z)


def _zoom(a, b, p, rtl):
    """The old scene grows and fades into the new one."""
    h, w = a.shape[:2]
    return _fade(scaled_rgb(a[_grown(p, w, h)], w, h), b, p, rtl)


def _zoom_yuv(a, b, p, rtl, convert):
    """The same from the old scene's yuv420p, its centre scaled."""
    h, w = a.shape[:2]
    return _fade(scaled_planes(split(convert(a), w, h), _grown(p, w, h), w, h), convert(b), p, rtl)


def planewise(blend):
    """A transition that only mixes or moves pixels where they are (`blend` on H×W×C arrays, sizes taken
    from them), run on each plane of the two frames' yuv420p."""
    def yuv(a, b, p, rtl, convert):
        h, w = a.shape[:2]
        ya, yb = convert(a), convert(b)
        out = np.empty_like(ya)
        for po, pa, pb in zip(split(out, w, h), split(ya, w, h), split(yb, w, h)):
            po[...] = blend(pa[..., None], pb[..., None], p, rtl)[..., 0]
        return out
    return yuv


@dataclass(frozen=True)
class Transition:
    name: str
    blend: Callable[[np.ndarray, np.ndarray, float, bool], np.ndarray]
    dip: bool = False       # the two scenes are seen over each other: their text dips out, then in
    yuv: Optional[Callable] = None     # the same frame from the two frames' yuv420p (see the module's doc)

    def __call__(self, a: np.ndarray, b: np.ndarray, p: float, rtl: bool) -> np.ndarray:
        return self.blend(a, b, p, rtl)


CUT = Transition("cut", _cut)
FADE = Transition("fade", _fade, dip=True, yuv=planewise(_fade))
SLIDE = Transition("slide", _slide, yuv=planewise(_slide))
WIPE = Transition("wipe", _wipe, yuv=planewise(_wipe))
ZOOM = Transition("zoom", _zoom, dip=True, yuv=_zoom_yuv)

TEXT_KINDS = ("text", "caption", "counter")


def _lerp(a: np.ndarray, b: np.ndarray, w: float) -> np.ndarray:
    """a → b by w in 0..1 (a or b itself at the ends)."""
    if w <= 0:
        return a
    if w >= 1:
        return b
    return _fade(a, b, w, False)


def _still(layer, t: float) -> bool:
    return layer.visible(t) and not layer.moving(t)


def _twins(da, db) -> list[tuple[int, int, bool]]:
    """(layer of a, layer of b, same pixels) drawn alike on both sides: a still sprite with the same
    pixels in the same place, or the corner logo (whatever its variant). Computed once per pair of scenes."""
    cached = da.__dict__.get("_twins")
    if cached is not None and cached[0] is db:
        return cached[1]
    pairs, used = [], set()
    for i, la in enumerate(da.layers):
        ca = la.content
        if not isinstance(ca, Placed) or la.item.animate.keyframes:
            continue
        for j, lb in enumerate(db.layers):
            cb = lb.content
            if j in used or not isinstance(cb, Placed) or lb.item.animate.keyframes:
                continue
            logos = la.item.name == "logo" == lb.item.name and la.item.kind == "logo" == lb.item.kind
            same = (ca.x, ca.y, ca.sprite.rgba.shape) == (cb.x, cb.y, cb.sprite.rgba.shape) and \
                np.array_equal(ca.sprite.rgba, cb.sprite.rgba)
            if same or (logos and (ca.x, ca.y, ca.sprite.rgba.shape) == (cb.x, cb.y, cb.sprite.rgba.shape)):
                pairs.append((i, j, same))
                used.add(j)
                break
    da.__dict__["_twins"] = (db, pairs)
    return pairs


def _with_text(drawer, base, t: float, text: list[int], w: float, convert=None):
    """`base` (the scene without its text) with its text drawn at opacity w: faded in only where the text
    was drawn (elsewhere the two are equal, and the fade of a pixel with itself is that pixel). With
    `convert`, text that is sprites, none over another, is blended on base's yuv420p at opacity w instead
    (a Converted frame; text over text, a caption over the one before it, is faded as drawn: in RGB)."""
    if not text or w <= 0:
        return base
    fh, fw = base.shape[:2]
    if convert is not None:
        looks = [drawer.layers[i].look(t, (fw, fh)) for i in text]
        rects = [what.rect(x, y, fw, fh) for what, x, y in looks if isinstance(what, SPRITES)]
        rects = [r for r in rects if r is not None]
        if len(rects) == len(looks) and len(_disjoint(rects)) == len(rects):
            return blended(convert(base), fw, fh, looks, w)
    base = as_rgb(base)
    full = base.copy()
    rects = _disjoint([r for r in (drawer.layers[i].draw(full, t) for i in text) if r is not None])
    if w < 1:
        for x0, y0, x1, y1 in rects:       # each pixel faded once
            full[y0:y1, x0:x1] = _fade(base[y0:y1, x0:x1], full[y0:y1, x0:x1], w, False)
    return drawn(full, base, rects)


def _disjoint(rects: list) -> list:
    """Rectangles (x0, y0, x1, y1), those that overlap merged into their bounding box until none do."""
    out: list = []
    for r in rects:
        while True:
            hit = next((o for o in out if o[0] < r[2] and r[0] < o[2] and o[1] < r[3] and r[1] < o[3]), None)
            if hit is None:
                break
            out.remove(hit)
            r = (min(r[0], hit[0]), min(r[1], hit[1]), max(r[2], hit[2]), max(r[3], hit[3]))
        out.append(r)
    return out


def blend_scenes(transition, da, ta: float, db, tb: float, p: float, rtl: bool, convert=None) -> np.ndarray:
    """One frame of `transition` at progress p from scene drawer `da` (at its local time ta) to `db`
    (at tb): shared layers held still on top, text dipped out and in for overlaying transitions. With
    `convert` (the encoder's yuv420p conversion) and a transition that has `yuv`, the frame is made in YUV.
    A drawer has `.layers` (compose.Layer: .item, .content, .visible(t), .moving(t), .draw(frame, t) -> the
    rectangle drawn on) and `.frame(t, without=indices)`."""
    twins = [(i, j, same) for i, j, same in _twins(da, db) if _still(da.layers[i], ta) and _still(db.layers[j], tb)]
    skip_a, skip_b = {i for i, _, _ in twins}, {j for _, j, _ in twins}
    dip = getattr(transition, "dip", False)
    text_a = [i for i, la in enumerate(da.layers) if dip and la.item.kind in TEXT_KINDS and i not in skip_a
              and la.visible(ta)]
    text_b = [j for j, lb in enumerate(db.layers) if dip and lb.item.kind in TEXT_KINDS and j not in skip_b
              and lb.visible(tb)]
    a = da.frame(ta, without=skip_a | set(text_a))
    b = db.frame(tb, without=skip_b | set(text_b))
    in_yuv = convert is not None and getattr(transition, "yuv", None) is not None
    if dip:     # seen: a's text (1 - p) * wa = 1 - 2p, then b's text p * wb = 2p - 1
        a = _with_text(da, a, ta, text_a, max(0.0, 1 - 2 * p) / max(1e-6, 1 - p), convert if in_yuv else None)
        b = _with_text(db, b, tb, text_b, max(0.0, 2 * p - 1) / max(1e-6, p), convert if in_yuv else None)
    if in_yuv:
        fh, fw = a.shape[:2]
        yuv = transition.yuv(a, b, p, rtl, convert)
        if all(same for _, _, same in twins):       # the twins held still blended on its planes, RGB unmade
            return blended(yuv, fw, fh, [da.layers[i].look(ta, (fw, fh), at_rest=True) for i, _, _ in twins])
        out = Converted(yuv, fw, fh).rgb
    else:
        a, b = as_rgb(a), as_rgb(b)
        out = transition(a, b, p, rtl)
    if not twins:
        return out
    out = out.copy() if out is a or out is b else out     # never draw on a scene's cached frame
    rects = []
    for i, j, same in twins:
        la, lb = da.layers[i], db.layers[j]
        if same:
            rects.append(la.draw(out, ta, at_rest=True))
            continue
        x, y, (h, w) = la.content.x, la.content.y, la.content.sprite.rgba.shape[:2]     # logo variants: crossfade
        box = (slice(max(0, y), max(0, y + h)), slice(max(0, x), max(0, x + w)))
        under = out[box].copy()            # only the logo's box, not the frame, is drawn twice
        lb.draw(out, tb, at_rest=True)
        theirs = out[box].copy()
        out[box] = under
        la.draw(out, ta, at_rest=True)
        out[box] = _lerp(out[box], theirs, p)
        rects.append((box[1].start, box[0].start, box[1].stop, box[0].stop))
    return drawn(out, Converted(yuv, fw, fh), rects) if in_yuv else out
