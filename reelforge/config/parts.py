"""Parts shared by scripts and templates: animations, transitions, backgrounds."""
from __future__ import annotations

from ..animation import EASINGS
from ..model import Animation, Background, Element, Keyframe, Transition, frozen_map
from ..registry import ANIMATIONS, ELEMENTS, TRANSITIONS, PluginError
from .checks import image_problem, video_problem
from .options import (expect, INVALID, Bool, Box, Choice, Colour, Context, File, ListOf, Number, Option, Schema, join, valid)
from .yamlfile import YMap

KEYFRAME = Schema({
    "at": Number(0, 600, help="seconds from the item's start"),
    "x": Number(-200, 200, 0.0, help="offset, percent of the frame width"),
    "y": Number(-200, 200, 0.0, help="offset, percent of the frame height"),
    "scale": Number(0.01, 20, 1.0),
    "opacity": Number(0, 1, 1.0),
    "ease": Choice(EASINGS, "ease-in-out", help="easing from the previous keyframe"),
})


class AnimationOption(Schema):
    """`animate: {in, out, duration, keyframes}` -> Animation."""

    def __init__(self, default=None):
        base = Animation()
        super().__init__({
            "in": Choice(ANIMATIONS, base.enter, help="enter animation"),
            "out": Choice(ANIMATIONS, base.exit, help="exit animation"),
            "duration": Number(0, 10, base.duration, help="seconds of the enter and exit animations"),
            "keyframes": ListOf(KEYFRAME, ()),
        }, default=default)

    def check(self, value, pos, where, ctx):
        v = super().check(value, pos, where, ctx)
        if v is INVALID or not valid(v):
            return INVALID
        frames = tuple(Keyframe(**k) for k in v["keyframes"] if valid(k))
        if any(b.at <= a.at for a, b in zip(frames, frames[1:])):
            ctx.error(value.pos("keyframes"), join(where, "keyframes"), "keyframes must be in increasing `at` order")
        return Animation(v["in"], v["out"], v["duration"], frames)

    def default_for(self, values):
        return Animation()


class TransitionOption(Option):
    """`transition: fade` or `{name: fade, duration: 0.4}` -> Transition."""

    FIELDS = Schema({"name": Choice(TRANSITIONS, what="value"), "duration": Number(0, 3, Transition().duration)})

    def check(self, value, pos, where, ctx):
        if isinstance(value, str):
            name = self.FIELDS.fields["name"].check(value, pos, where, ctx)
            return INVALID if name is INVALID else Transition(name)
        v = self.FIELDS.check(value, pos, where, ctx)
        return Transition(v["name"], v["duration"]) if v is not INVALID and valid(v) else INVALID

    def json(self):
        return {"oneOf": [self.FIELDS.fields["name"].json(), self.FIELDS.json()]}


BACKGROUND_KINDS = ("color", "gradient", "image", "video")


class BackgroundOption(Schema):
    """`background: {color | gradient | image | video, ...}` -> Background."""

    def __init__(self, default=None):
        super().__init__({
            "color": Colour(None),
            "gradient": ListOf(Colour(), None, help="two or more colours"),
            "direction": Choice(("vertical", "horizontal", "diagonal", "radial"), "vertical"),
            "image": File(None, check=image_problem),
            "video": File(None, check=video_problem),
            "fit": Choice(("cover", "contain"), "cover"),
            "zoom": Number(1, 2, lambda v: 1.0 if v.get("video") else 1.06, help="slow zoom over the scene"),
            "start": Number(0, None, 0.0, help="video: seconds into the file"),
            "loop": Bool(True),
            "drift": Number(0, 10, 0.0, help="colour and gradient: continuous motion, percent of the short side a "
                                             "second (the gradient flows; a colour gets a drifting soft light)"),
            "shapes": Number(0, 12, 0, integer=True, help="colour and gradient: soft shapes drifting at different "
                                                          "depths (parallax)"),
        }, default=default)

    def check(self, value, pos, where, ctx: Context):
        kinds = [k for k in BACKGROUND_KINDS if isinstance(value, YMap) and k in value]
        if isinstance(value, YMap) and len(kinds) != 1:
            ctx.error(value.at, where, "give exactly one of color, gradient, image, video"
                      + (f" (got {', '.join(kinds)})" if kinds else ""))
            return INVALID
        v = super().check(value, pos, where, ctx)
        if v is INVALID or not valid(v):
            return INVALID
        kind = kinds[0]
        motion = {"drift": v["drift"], "shapes": v["shapes"]}
        if kind == "color":
            return Background("color", (v["color"],), **motion)
        if kind == "gradient":
            if len(value["gradient"]) < 2:
                ctx.error(value.pos("gradient"), join(where, "gradient"), "a gradient needs at least two colours")
                return INVALID
            if len(v["gradient"]) != len(value["gradient"]):
                return INVALID
            return Background("gradient", tuple(v["gradient"]), v["direction"], **motion)
        return Background(kind, file=v[kind], fit=v["fit"], zoom=v["zoom"], start=v["start"], loop=v["loop"])

    def json(self):
        out = super().json()
        out["oneOf"] = [{"required": [k]} for k in BACKGROUND_KINDS]
        return out


class ElementOption(Option):
    """A free element: the common keys, plus the options its kind (`type:`) declares."""

    COMMON = {
        "type": Choice(ELEMENTS, what="element type", help="text, image, video, shape, logo, or a plugin's"),
        "box": Box(),
        "start": Number(0, None, 0.0, help="seconds into the scene"),
        "end": Number(0, None, None, help="seconds into the scene (default: its end)"),
        "animate": AnimationOption(),
    }

    def check(self, value, pos, where, ctx):
        if not expect(value, YMap, pos, where, ctx):
            return INVALID
        kind_name = self.COMMON["type"].read(value["type"], value.pos("type"), join(where, "type"), ctx) \
            if value.get("type") is not None else INVALID
        if value.get("type") is None:
            ctx.error(value.at, where, "missing required key 'type'")
        kind = None
        if kind_name is not INVALID:
            try:
                kind = ELEMENTS[kind_name]
            except PluginError as exc:
                ctx.error(value.pos("type"), join(where, "type"), str(exc))
        own = getattr(kind, "options", None) or Schema({})
        v = Schema({**self.COMMON, **own.fields}).read(value, pos, where, ctx)
        if valid({k: v[k] for k in ("start", "end")}) and v["end"] is not None and v["end"] <= v["start"]:
            ctx.error(value.pos("end"), join(where, "end"), f"end ({v['end']:g} s) must come after start ({v['start']:g} s)")
            return INVALID
        if kind is None or not valid(v):
            return INVALID
        return Element(type=kind_name, box=v["box"], start=v["start"], end=v["end"], animate=v["animate"],
                       options=frozen_map({k: v[k] for k in own.fields}), line=value.at[0])

    def json(self):
        kinds = []
        for name in ELEMENTS:
            try:
                own = getattr(ELEMENTS[name], "options", None) or Schema({})
            except PluginError:
                continue
            s = Schema({**self.COMMON, **own.fields}).json()
            s["properties"]["type"] = {"const": name}
            s["required"] = sorted(set(s.get("required", [])) | {"type", "box"})
            kinds.append(s)
        return {"oneOf": kinds}
