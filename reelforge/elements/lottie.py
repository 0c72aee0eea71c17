"""`type: lottie`: a Lottie animation (Bodymovin JSON, or a `.lottie` archive) playing in its box.

    {type: lottie, file: assets/sun.json, box: [x, y, w, h], start: 0.5, loop: true, speed: 1.0,
     segment: [0, 60], colors: {"#FFC83D": primary}}

Drawn by ThorVG (thorvg-python wheel). `colors` (over the kit's `lottie: {colors: ...}`) rewrites the
animation's own fill and stroke colours, and its gradients' colour stops, before it is loaded, so a
stock animation takes the brand's identity. Frames are rasterised at the box size (aspect kept,
centred) and cached by frame index, process-wide (`FRAMES`): a looping animation is rasterised once per
frame of its loop, however many scenes show it. The element is a moving source whose frames are RGBA
sprites, so `animate:` (fade, pop...) applies to it as to any sprite.
"""
from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..config.options import INVALID, Bool, Colour, File, MapOf, Number, Pair, Schema
from ..errors import ReelforgeError, display
from ..layers import Sprite
from ..model import frozen_map, hex_rgba
from . import ElementKind

LOTTIE_KEYS = ("v", "fr", "ip", "op", "layers")
TOLERANCE = 8 / 255            # a file colour matches a `colors` key within this, per channel
CACHE_BYTES = 96 << 20         # rasterised frames kept in all (a 2 s loop at 400×400 fits several times)


# -- reading ------------------------------------------------------------------------------

def read_lottie(path: Path) -> dict:
    """The animation's JSON, from a `.json` file or the first animation of a `.lottie` archive.
    Raises ValueError with a one-line reason."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.startswith("animations/") and n.endswith(".json")]
            try:
                first = json.loads(z.read("manifest.json"))["animations"][0]["id"]
                names.insert(0, f"animations/{first}.json")
            except (KeyError, IndexError, TypeError, ValueError):
                pass
            if not names:
                raise ValueError("a .lottie archive without animations/*.json")
            text = z.read(names[0])
    else:
        text = path.read_bytes()
    try:
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON ({exc.__class__.__name__}: {exc})")
    missing = [k for k in LOTTIE_KEYS if not isinstance(doc, dict) or k not in doc]
    if missing:
        raise ValueError(f"not a Lottie animation: no {', '.join(repr(k) for k in missing)}; "
                         "export it with Bodymovin or LottieFiles")
    if not all(isinstance(doc[k], (int, float)) for k in ("fr", "ip", "op")) or doc["op"] <= doc["ip"] or doc["fr"] <= 0:
        raise ValueError("not a Lottie animation: 'fr', 'ip' and 'op' must be numbers with op > ip")
    return doc


@lru_cache(maxsize=16)
def _cached(path: str, mtime: float) -> dict:
    return read_lottie(Path(path))


def load(path) -> dict:
    """read_lottie, cached by file and modification time (validation and drawing share it). Do not modify."""
    return _cached(str(path), Path(path).stat().st_mtime)


def lottie_problem(path: Path):
    try:
        load(path)
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        return f"cannot use {display(path)}: {exc}"
    return None


# -- options ------------------------------------------------------------------------------

class LottieFile(File):
    """A Lottie file; remembers its frame range on the context for `segment` (read right after it)."""

    def check(self, value, pos, where, ctx):
        ctx.lottie_frames = None
        path = super().check(value, pos, where, ctx)
        if path is not INVALID:
            doc = load(path)
            ctx.lottie_frames = (doc["ip"], doc["op"])
        return path


class Segment(Pair):
    """[from_frame, to_frame] within the file's frames (ip..op)."""

    def check(self, value, pos, where, ctx):
        seg = super().check(value, pos, where, ctx)
        if seg is INVALID:
            return seg
        a, b = seg
        frames = getattr(ctx, "lottie_frames", None)
        if b <= a or a < 0:
            ctx.error(pos, where, f"segment [{a:g}, {b:g}]: expected [from_frame, to_frame] with 0 ≤ from < to")
            return INVALID
        if frames is not None and (a < frames[0] or b > frames[1]):
            ctx.error(pos, where, f"segment [{a:g}, {b:g}] is out of range: the animation has frames "
                                  f"{frames[0]:g} to {frames[1]:g}")
            return INVALID
        return seg


def recolouring(help="{file colour: brand colour or #RRGGBB}: the file's own colours (matched within a small "
                     "tolerance) drawn in the brand's"):
    return MapOf(Colour(), frozen_map({}), key=Colour(hex_only=True), help=help)


# -- recolouring --------------------------------------------------------------------------

def colour_table(colors, brand) -> list[tuple[np.ndarray, list[float]]]:
    """[(file colour as 0..1 RGB, new 0..1 RGB)], the element's own mapping over the kit's."""
    merged = {**brand.lottie_colors, **colors}
    return [(np.array(hex_rgba(src)[:3]) / 255, [c / 255 for c in brand.rgba(dst)[:3]]) for src, dst in merged.items()]


def recolour(doc, table) -> int:
    """Rewrite, in place, fill and stroke colours (`fl`/`st`: `"c": {"k": [r, g, b, a]}`) and gradient stops
    (`gf`/`gs`: `"g": {"p": n, "k": {"k": [offset, r, g, b, ...n stops, then offset, alpha pairs]}}`), static
    or keyframed (each keyframe's `s` and `e`); -> how many colours were swapped."""
    if not table:
        return 0
    count = 0

    def swap(rgba):
        nonlocal count
        if not isinstance(rgba, list) or len(rgba) < 3 or not all(isinstance(v, (int, float)) for v in rgba[:3]):
            return rgba
        for src, dst in table:
            if np.all(np.abs(np.array(rgba[:3], float) - src) <= TOLERANCE + 1e-9):
                count += 1
                return dst + list(rgba[3:])
        return rgba

    def stops(n):
        """Swap the first n colour stops of a gradient's flat array (the opacity stops after them stay)."""
        def swap_stops(flat):
            if not isinstance(flat, list) or len(flat) < 4 * n:
                return flat
            out = list(flat)
            for i in range(n):
                out[4 * i + 1:4 * i + 4] = swap(out[4 * i + 1:4 * i + 4])
            return out
        return swap_stops

    def animated(prop, fn):
        """Apply fn to a property's value: `k` when static, each keyframe's `s` and `e` when animated."""
        if prop.get("a"):
            for key in prop.get("k", []):
                if isinstance(key, dict):
                    for end in ("s", "e"):
                        if end in key:
                            key[end] = fn(key[end])
        else:
            prop["k"] = fn(prop.get("k"))

    def walk(node):
        if isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, dict):
            if node.get("ty") in ("fl", "st") and isinstance(node.get("c"), dict):
                animated(node["c"], swap)
            g = node.get("g")
            if node.get("ty") in ("gf", "gs") and isinstance(g, dict) and isinstance(g.get("k"), dict) \
                    and isinstance(g.get("p"), int):
                animated(g["k"], stops(g["p"]))
            for v in node.values():
                walk(v)
    walk(doc)
    return count


# -- drawing ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def engine():
    import thorvg_python as tvg
    return tvg.Engine(threads=0)        # the render already runs one process per core


class LottieSource:
    """The animation in a w×h box: `frame(t)` -> the Sprite at t seconds into the element. Frames are
    shared by every element showing the same animation (after recolouring) at the same size (`FRAMES`):
    a brand's animation in each scene is rasterised, and prepared for the encoder, once per render."""

    def __init__(self, doc: dict, box, *, loop: bool, speed: float, segment, where: str):
        x, y, w, h = box
        scale = min(w / doc.get("w", w), h / doc.get("h", h))
        self.w, self.h = max(1, round(doc.get("w", w) * scale)), max(1, round(doc.get("h", h) * scale))
        self.origin = (x + (w - self.w) // 2, y + (h - self.h) // 2)
        self.fps, self.loop, self.speed = float(doc["fr"]), loop, speed
        self.ip = doc["ip"]
        self.first, self.last = segment if segment else (doc["ip"], doc["op"])
        self.data, self.where, self.canvas = json.dumps(doc).encode(), where, None
        self.key = (hashlib.sha1(self.data).hexdigest(), self.w, self.h)
        self._load()        # a file ThorVG refuses fails here, as the scene is set up, not mid-render

    def _load(self) -> None:
        import thorvg_python as tvg
        self.canvas = tvg.SwCanvas(engine())
        self.canvas.set_target(self.w, self.h, cs=tvg.Colorspace.ABGR8888S)     # straight alpha, R G B A bytes
        self.animation = tvg.LottieAnimation(engine())
        picture = self.animation.get_picture()
        if picture.load_data(self.data, "lottie+json", None, True) != tvg.Result.SUCCESS:
            self.close()
            raise ReelforgeError(f"{self.where}: ThorVG cannot load this Lottie animation")
        picture.set_size(self.w, self.h)
        self.canvas.add(picture)

    def index(self, t: float) -> int:
        """The animation's frame at t seconds into the element (looped or held on the last frame)."""
        n = self.last - self.first
        f = max(0.0, t) * self.fps * self.speed
        f = f % n if self.loop else min(f, n - 1e-3)
        return int(self.first + f)

    def frame(self, t: float) -> Sprite:
        key = (*self.key, self.index(t))
        with _FRAMES_LOCK:              # the studio's render and its previews run in two threads
            sprite = FRAMES.get(key)
            if sprite is not None:
                FRAMES.move_to_end(key)         # the most recent last
                return sprite
        if self.canvas is None:
            self._load()
        self.animation.set_frame(float(key[-1] - self.ip))      # ThorVG counts from the file's `ip`
        self.canvas.update()
        self.canvas.draw(True)
        self.canvas.sync()
        rgba = np.frombuffer(self.canvas.buffer_arr, np.uint8).reshape(self.h, self.w, 4)
        sprite = Sprite(rgba.copy())
        with _FRAMES_LOCK:
            FRAMES[key] = sprite
            while len(FRAMES) > 4 and sum(k[1] * k[2] for k in FRAMES) * SPRITE_BYTES > CACHE_BYTES:
                del FRAMES[next(iter(FRAMES))]
        return sprite

    def close(self) -> None:
        if self.canvas is not None:
            self.canvas.destroy()           # releases the picture; the animation object goes with the engine
            self.canvas = None


FRAMES: "OrderedDict[tuple, Sprite]" = OrderedDict()     # (animation, w, h, frame) -> its Sprite
SPRITE_BYTES = 20       # a Sprite's bytes a pixel, with its planes prepared for the encoder
_FRAMES_LOCK = threading.Lock()


class LottieElement(ElementKind):
    name = "lottie"
    options = Schema({
        "file": LottieFile(check=lottie_problem, help="Lottie JSON (Bodymovin) or .lottie, relative to the script"),
        "loop": Bool(True, help="play again from the start of the segment; false holds the last frame"),
        "speed": Number(0.05, 20, 1.0, help="playback speed (2 = twice as fast)"),
        "segment": Segment(None, message="expected [from_frame, to_frame]",
                           help="[from_frame, to_frame]: play only these frames of the file"),
        "colors": recolouring(),
    })

    def place(self, item, timeline, where, background):
        doc = json.loads(json.dumps(load(item.file)))          # a private copy to recolour
        try:
            recolour(doc, colour_table(item.colors or {}, timeline.brand))
        except KeyError as exc:             # a kit colour the palette lost; validation normally catches it
            raise ReelforgeError(f"{where}.colors: {exc.args[0]}")
        return LottieSource(doc, item.box, loop=item.loop, speed=item.speed, segment=item.segment, where=where)


ELEMENT = LottieElement()
