"""Load and validate a script with its brand kit, template chain and voice profiles.

`load_script(path)` returns the immutable model or raises ReelforgeError carrying every problem
found in every file involved, each as `file:line:col: where: what`.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Optional

from . import project as projects
from .animation import EASINGS, PRESETS
from .errors import Problem, ReelforgeError, did_you_mean, display
from .model import (ASPECTS, DEFAULT_CAPTION_RULES, LANGUAGES, Animation, CaptionRules, Background, Brand, EndCard, Element, Keyframe, Layout, Logo, Music, Scene,
                    Script, Slot, Subtitles, Template, TextStyle, Transition, Voice, frozen_map)
from .platforms import registry as platforms
from .schema import ID_RE, Reader, join
from .transitions import TRANSITIONS
from .yamlfile import YList, YMap, read, type_name

FORMAT_KEYS = {"script": "reelforge", "template": "reelforge-template", "brand": "reelforge-brand",
               "voice": "reelforge-voice"}
SUPPORTED_VERSION = 1
SCRIPTS = ("arabic", "latin", "tifinagh")
WEIGHTS = ("regular", "bold")
ALIGNS = ("center", "start", "end", "left", "right")
CAPTION_STYLES = ("block", "karaoke", "word")
SIDECARS = ("srt", "vtt")
SLOT_KINDS = ("text", "bullets", "image")
ENGINES = {   # engine -> options it accepts
    "espeak": ("voice", "rate", "pitch", "sentence_pause"),
    "gtts": ("tld", "slow", "timeout", "retries", "sentence_pause"),
    "recorded": ("folder", "model"),
}
ELEMENT_TYPES = ("text", "image", "video", "shape", "logo")
SHAPES = ("rect", "rounded", "circle")
LOGO_POSITIONS = ("top-start", "top-end", "top-center", "bottom-start", "bottom-end", "bottom-center")


def open_doc(path: Path, kind: str, problems: list[Problem]) -> Optional[tuple[YMap, Reader]]:
    """Read a file and check its format version key; None (with problems recorded) on failure."""
    try:
        doc = read(path)
    except ReelforgeError as exc:
        problems.extend(exc.problems)
        return None
    r = Reader(path, problems)
    key = FORMAT_KEYS[kind]
    version = doc.get(key)
    if key not in doc:
        others = [k for k, v in FORMAT_KEYS.items() if v in doc]
        hint = f" (this looks like a {others[0]} file)" if others else ""
        r.error(doc.at, "", f"missing `{key}: {SUPPORTED_VERSION}` (the format version){hint}")
        return None
    if version != SUPPORTED_VERSION:
        r.error(doc.pos(key), key, f"unsupported format version {version!r}; this reelforge reads version {SUPPORTED_VERSION}")
        return None
    return doc, r


def resolve(kind: str, name: str, project: Path, base: Path, r: Reader, pos, where) -> Optional[Path]:
    """A brand / template / voice name (or path) -> its file, or None with a problem recorded."""
    if projects.looks_like_path(name):
        path = (base / name).resolve()
        if kind == "brand" and path.is_dir():
            path = path / "brand.yaml"
        if path.is_file():
            return path
        r.error(pos, where, f"{kind} file not found: {display(path)}")
        return None
    for path in projects.candidates(kind, name, project):
        if path.is_file():
            return path
    r.error(pos, where, f"unknown {kind} '{name}'; {did_you_mean(name, projects.known(kind, project))}")
    return None


# -- brand ----------------------------------------------------------------------------------

STYLE_KEYS = ("size", "min_size", "weight", "color", "align", "line_spacing", "stroke", "shadow", "box")


def read_style(r: Reader, m: YMap, where: str, name: str, palette) -> Optional[TextStyle]:
    r.keys(m, where, STYLE_KEYS + (("highlight",) if name == "captions" else ()), required=("size",))
    size = r.get_number(m, "size", join(where, "size"), 5.0, lo=0.5, hi=40)
    kw = dict(
        name=name, size=size,
        min_size=r.get_number(m, "min_size", join(where, "min_size"), round((size or 5) * 0.6, 2), lo=0.5, hi=40),
        weight=r.get_str(m, "weight", join(where, "weight"), "regular", choices=WEIGHTS),
        color=r.get_color(m, "color", join(where, "color"), palette, "light"),
        align=r.get_str(m, "align", join(where, "align"), "center", choices=ALIGNS),
        line_spacing=r.get_number(m, "line_spacing", join(where, "line_spacing"), 1.2, lo=0.8, hi=3),
    )
    if "stroke" in m:
        s = r.mapping(m, "stroke", join(where, "stroke"), ("width", "color"))
        if s is not None:
            kw["stroke_width"] = r.get_number(s, "width", join(where, "stroke.width"), 0.0, lo=0, hi=5)
            kw["stroke_color"] = r.get_color(s, "color", join(where, "stroke.color"), palette, "dark")
    if "shadow" in m:
        s = r.mapping(m, "shadow", join(where, "shadow"), ("offset", "blur", "color"))
        if s is not None:
            off = s.get("offset", [0, 0.3])
            if (not isinstance(off, YList) or len(off) != 2
                    or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in off)):
                r.error(r.at(s, "offset"), join(where, "shadow.offset"), "expected [x, y] in percent of the short side")
            else:
                kw["shadow_offset"] = (float(off[0]), float(off[1]))
            kw["shadow_blur"] = r.get_number(s, "blur", join(where, "shadow.blur"), 0.8, lo=0, hi=10)
            kw["shadow_color"] = r.get_color(s, "color", join(where, "shadow.color"), palette, "#00000099")
    if "box" in m:
        s = r.mapping(m, "box", join(where, "box"), ("color", "padding", "radius"), required=("color",))
        if s is not None:
            kw["box_color"] = r.get_color(s, "color", join(where, "box.color"), palette, None)
            kw["box_padding"] = r.get_number(s, "padding", join(where, "box.padding"), 0.8, lo=0, hi=10)
            kw["box_radius"] = r.get_number(s, "radius", join(where, "box.radius"), 1.0, lo=0, hi=20)
    if any(v is None for k, v in kw.items() if k not in ("box_color", "shadow_color")):
        return None
    return TextStyle(**kw)


def load_brand(path: Path, key: str, problems: list[Problem]) -> Optional[Brand]:
    opened = open_doc(path, "brand", problems)
    if opened is None:
        return None
    doc, r = opened
    kit = path.parent
    r.keys(doc, "", ("reelforge-brand", "name", "colors", "fonts", "logo", "styles", "captions", "end_card", "lint"),
           required=("name", "colors", "fonts", "styles"))
    colors = {}
    cmap = r.mapping(doc, "colors", "colors", default=YMap()) or YMap()
    for name, value in cmap.items():
        if not isinstance(value, str) or r.check_color(value, cmap.pos(name), join("colors", name), {}) is None:
            if not isinstance(value, str):
                r.error(cmap.pos(name), join("colors", name), "expected a hex colour like #0B6E4F")
            continue
        colors[str(name)] = value
    for needed in ("light", "dark", "accent"):
        if cmap and needed not in cmap:
            r.error(cmap.at, "colors", f"missing colour '{needed}' (every kit names light, dark and accent)")

    fonts = {}
    fmap = r.mapping(doc, "fonts", "fonts", SCRIPTS, required=("arabic", "latin"), default=YMap()) or YMap()
    for script, weights in fmap.items():
        if script not in SCRIPTS:
            continue
        w = join("fonts", script)
        wm = r.mapping(fmap, script, w, WEIGHTS, required=("regular",))
        if wm is None:
            continue
        files = {}
        for weight in WEIGHTS:
            if weight in wm:
                f = r.get_file(wm, weight, join(w, weight), kit, kit)
                if f is not None and readable_font(r, f, wm.pos(weight), join(w, weight)):
                    files[weight] = f
        fonts[script] = frozen_map(files)

    logo = None
    if "logo" in doc:
        lm = r.mapping(doc, "logo", "logo", ("file", "on_dark", "position", "size", "clear_space"), required=("file",))
        if lm is not None:
            file = r.get_file(lm, "file", "logo.file", kit, kit)
            on_dark = r.get_file(lm, "on_dark", "logo.on_dark", kit, kit, None)
            logo = Logo(file=file, on_dark=on_dark,
                        position=r.get_str(lm, "position", "logo.position", "top-end", choices=LOGO_POSITIONS),
                        size=r.get_number(lm, "size", "logo.size", 14.0, lo=2, hi=60),
                        clear_space=r.get_number(lm, "clear_space", "logo.clear_space", 0.25, lo=0, hi=2))

    styles = {}
    smap = r.mapping(doc, "styles", "styles", default=YMap()) or YMap()
    for name in smap:
        sm = r.mapping(smap, name, join("styles", name))
        if sm is not None:
            style = read_style(r, sm, join("styles", name), str(name), colors)
            if style is not None:
                styles[str(name)] = style
    captions, highlight = TextStyle("captions", 4.6, 3.2, "bold", "light"), "accent"
    if "captions" in doc:
        cm = r.mapping(doc, "captions", "captions")
        if cm is not None:
            captions = read_style(r, cm, "captions", "captions", colors) or captions
            highlight = r.get_color(cm, "highlight", "captions.highlight", colors, "accent")

    end_card = None
    if "end_card" in doc:
        em = r.mapping(doc, "end_card", "end_card", ("text", "url", "hashtag"), required=("text",))
        if em is not None:
            text = r.get_text(em, "text", "end_card.text", ())
            end_card = EndCard(text=frozen_map(text or {}), url=r.get_str(em, "url", "end_card.url", ""),
                               hashtag=r.get_str(em, "hashtag", "end_card.hashtag", ""))
    lint = read_lint(r, doc) if "lint" in doc else {}
    name = r.get_str(doc, "name", "name", key)
    return Brand(lint=frozen_map(lint), name=name or key, key=key, path=kit, colors=frozen_map(colors), fonts=frozen_map(fonts), logo=logo,
                 styles=frozen_map(styles), captions=captions, caption_highlight=highlight or "accent",
                 end_card=end_card)


def read_lint(r: Reader, doc: YMap) -> dict:
    """`lint:` of a brand kit: thresholds, and rules turned off with a reason."""
    from .lint import DEFAULTS, RULES
    m = r.mapping(doc, "lint", "lint", (*DEFAULTS, "off"))
    if m is None:
        return {}
    out = {}
    for key in DEFAULTS:
        if key in m:
            v = r.get_number(m, key, join("lint", key), None, lo=0, hi=21)
            if v is not None:
                out[key] = v
    if "off" in m:
        om = r.mapping(m, "off", "lint.off")
        off = {}
        for rule, why in (om or {}).items():
            if rule not in RULES:
                r.error(om.key_pos[rule], join("lint.off", rule), f"unknown rule '{rule}'; {did_you_mean(rule, RULES)}")
            elif not isinstance(why, str) or not why.strip():
                r.error(om.pos(rule), join("lint.off", rule), "say why the rule is off: `rule: the reason`")
            else:
                off[rule] = why
        out["off"] = off
    return out


# -- template -------------------------------------------------------------------------------

def read_animation(r: Reader, parent, key, where, default: Animation) -> Animation:
    m = r.mapping(parent, key, where, ("in", "out", "duration", "keyframes"), default=None)
    if m is None:
        return default
    enter = r.get_str(m, "in", join(where, "in"), default.enter, choices=PRESETS)
    exit_ = r.get_str(m, "out", join(where, "out"), default.exit, choices=PRESETS)
    dur = r.get_number(m, "duration", join(where, "duration"), default.duration, lo=0, hi=10)
    frames = []
    items = r.items(m, "keyframes", join(where, "keyframes"))
    for i in range(len(items)):
        w = f"{where}.keyframes[{i}]"
        k = r.mapping(items, i, w, ("at", "x", "y", "scale", "opacity", "ease"), required=("at",))
        if k is None:
            continue
        values = [r.get_number(k, "at", join(w, "at"), 0.0, lo=0, hi=600),
                  r.get_number(k, "x", join(w, "x"), 0.0, lo=-200, hi=200),
                  r.get_number(k, "y", join(w, "y"), 0.0, lo=-200, hi=200),
                  r.get_number(k, "scale", join(w, "scale"), 1.0, lo=0.01, hi=20),
                  r.get_number(k, "opacity", join(w, "opacity"), 1.0, lo=0, hi=1),
                  r.get_str(k, "ease", join(w, "ease"), "ease-in-out", choices=EASINGS)]
        if all(v is not None for v in values):
            frames.append(Keyframe(*values))
    if frames and any(b.at <= a.at for a, b in zip(frames, frames[1:])):
        r.error(r.at(m, "keyframes"), join(where, "keyframes"), "keyframes must be in increasing `at` order")
    return Animation(enter or default.enter, exit_ or default.exit, dur if dur is not None else default.duration,
                     tuple(frames))


def read_transition(r: Reader, parent, key, where, default: Optional[Transition]) -> Optional[Transition]:
    value = parent.get(key)
    if value is None:
        return default
    if isinstance(value, str):
        name = r.get_str(parent, key, where, choices=TRANSITIONS)
        return Transition(name, default.duration if default else 0.4) if name else default
    m = r.mapping(parent, key, where, ("name", "duration"), required=("name",))
    if m is None:
        return default
    name = r.get_str(m, "name", join(where, "name"), choices=TRANSITIONS)
    dur = r.get_number(m, "duration", join(where, "duration"), 0.4, lo=0, hi=3)
    return Transition(name, dur) if name and dur is not None else default


def read_background(r: Reader, parent, key, where, palette, base, inside) -> Optional[Background]:
    m = r.mapping(parent, key, where, ("color", "gradient", "direction", "image", "video", "fit", "zoom",
                                       "start", "loop"), default=None)
    if m is None:
        return None
    kinds = [k for k in ("color", "gradient", "image", "video") if k in m]
    if len(kinds) != 1:
        r.error(m.at, where, "give exactly one of color, gradient, image, video"
                + (f" (got {', '.join(kinds)})" if kinds else ""))
        return None
    kind = kinds[0]
    if kind == "color":
        c = r.get_color(m, "color", join(where, "color"), palette)
        return Background("color", (c,)) if c else None
    if kind == "gradient":
        g = r.items(m, "gradient", join(where, "gradient"))
        if len(g) < 2:
            r.error(r.at(m, "gradient"), join(where, "gradient"), "a gradient needs at least two colours")
            return None
        cols = [r.check_color(str(c), g.pos(i), f"{where}.gradient[{i}]", palette) for i, c in enumerate(g)]
        direction = r.get_str(m, "direction", join(where, "direction"), "vertical",
                              choices=("vertical", "horizontal", "diagonal", "radial"))
        return Background("gradient", tuple(cols), direction or "vertical") if all(cols) else None
    file = r.get_file(m, kind, join(where, kind), base, inside)
    if file and kind == "image" and not readable_image(r, file, m.pos(kind), join(where, kind)):
        return None
    return Background(kind, file=file, fit=r.get_str(m, "fit", join(where, "fit"), "cover", choices=("cover", "contain")),
                      zoom=r.get_number(m, "zoom", join(where, "zoom"), 1.0 if kind == "video" else 1.06, lo=1, hi=2),
                      start=r.get_number(m, "start", join(where, "start"), 0.0, lo=0),
                      loop=r.get_bool(m, "loop", join(where, "loop"), True)) if file else None


def load_template(path: Path, brand: Brand, project: Path, problems: list[Problem], seen=()) -> Optional[Template]:
    if path in seen:
        problems.append(Problem(display(path), 1, 1, "extends", "templates extend each other in a loop: "
                                + " → ".join(display(p) for p in (*seen, path))))
        return None
    opened = open_doc(path, "template", problems)
    if opened is None:
        return None
    doc, r = opened
    r.keys(doc, "", ("reelforge-template", "extends", "padding", "transition", "intro", "outro", "layouts",
                     "captions", "description"))
    parent = None
    if "extends" in doc:
        name = r.get_str(doc, "extends", "extends")
        if name:
            ppath = resolve("template", name, project, path.parent, r, doc.pos("extends"), "extends")
            if ppath:
                parent = load_template(ppath, brand, project, problems, (*seen, path))
                if parent is None:
                    return None
    elif "layouts" not in doc:
        r.error(doc.at, "", "missing required key 'layouts'")
    layouts = dict(parent.layouts) if parent else {}
    lmap = r.mapping(doc, "layouts", "layouts", default=YMap()) or YMap()
    for name, lm in lmap.items():
        layout = read_layout(r, lmap, name, brand, project)
        if layout is not None:
            layouts[str(name)] = layout
    padding = r.get_number(doc, "padding", "padding", parent.padding if parent else 0.6, lo=0, hi=10)
    transition = read_transition(r, doc, "transition", "transition",
                                 parent.transition if parent else Transition("fade", 0.4))
    intro = r.get_str(doc, "intro", "intro", parent.intro if parent else None)
    outro = r.get_str(doc, "outro", "outro", parent.outro if parent else None)
    for key, value in (("intro", intro), ("outro", outro)):
        if value is not None and value not in layouts:
            r.error(doc.pos(key) if key in doc else doc.at, key, f"unknown layout '{value}'; {did_you_mean(value, layouts)}")
    captions = dict(parent.captions) if parent else {}
    if "captions" in doc:
        captions.update(read_caption_rules(r, doc))
    return Template(name=path.stem, path=path, chain=(path, *(parent.chain if parent else ())),
                    padding=padding if padding is not None else 0.6, transition=transition, intro=intro, outro=outro,
                    layouts=frozen_map(layouts), captions=frozen_map(captions))


RULE_LIMITS = {"max_line": (10, 80, True), "max_lines": (1, 3, True), "min_event": (0.3, 5, False),
               "max_event": (1, 15, False), "gap_frames": (0, 12, True), "karaoke_words": (1, 8, True),
               "karaoke_chars": (5, 60, True), "reading_speed": (5, 40, False)}


def read_caption_rules(r: Reader, doc: YMap) -> dict[str, CaptionRules]:
    """`captions:` of a template: rules for every language, and `languages: {ar: {...}}` overrides."""
    m = r.mapping(doc, "captions", "captions", (*RULE_LIMITS, "languages"))
    if m is None:
        return {}

    def values(mm, where):
        out = {}
        for key, (lo, hi, integer) in RULE_LIMITS.items():
            if key in mm:
                v = r.get_number(mm, key, join(where, key), None, lo=lo, hi=hi, integer=integer)
                if v is not None:
                    out[key] = v
        return out
    base = values(m, "captions")
    out = {"*": CaptionRules(**base)} if base else {}
    lm = r.mapping(m, "languages", "captions.languages", default=YMap()) if "languages" in m else YMap()
    for lang in lm or {}:
        w = join("captions.languages", lang)
        if lang not in LANGUAGES:
            r.error(lm.key_pos[lang], w, f"unknown language '{lang}'; {did_you_mean(lang, LANGUAGES)}")
            continue
        sub = r.mapping(lm, lang, w, tuple(RULE_LIMITS))
        if sub is not None:
            start = DEFAULT_CAPTION_RULES.get(lang, CaptionRules())
            out[lang] = replace(start, **{**base, **values(sub, w)})
    return out


def read_layout(r: Reader, lmap: YMap, name, brand: Brand, project: Path) -> Optional[Layout]:
    where = join("layouts", name)
    lm = r.mapping(lmap, name, where, ("slots", "boxes", "background"), required=("slots", "boxes"))
    if lm is None:
        return None
    slots = {}
    sm = r.mapping(lm, "slots", join(where, "slots"), default=YMap()) or YMap()
    for sname in sm:
        w = join(join(where, "slots"), sname)
        s = r.mapping(sm, sname, w, ("kind", "style", "animate"), required=("kind",))
        if s is None:
            continue
        kind = r.get_str(s, "kind", join(w, "kind"), choices=SLOT_KINDS)
        style = r.get_str(s, "style", join(w, "style"), "body")
        if style and style not in brand.styles:
            r.error(s.pos("style"), join(w, "style"), f"unknown text style '{style}' in brand '{brand.key}'; "
                    + did_you_mean(style, brand.styles))
        slots[str(sname)] = Slot(str(sname), kind or "text", style or "body",
                                 read_animation(r, s, "animate", join(w, "animate"), Animation("fade", "none")))
    boxes = {}
    bm = r.mapping(lm, "boxes", join(where, "boxes"), ASPECTS, required=ASPECTS, default=YMap()) or YMap()
    for aspect in ASPECTS:
        if aspect not in bm:
            continue
        w = join(join(where, "boxes"), f'"{aspect}"')
        am = r.mapping(bm, aspect, w, tuple(slots))
        if am is None:
            continue
        boxes[aspect] = frozen_map({str(k): b for k in am if k in slots and (b := r.get_box(am, k, join(w, k)))})
        for sname in slots:
            if sname not in am:
                r.error(am.at, w, f"no box for slot '{sname}'")
    background = read_background(r, lm, "background", join(where, "background"), brand.colors,
                                 project, project) if "background" in lm else None
    return Layout(str(name), frozen_map(slots), frozen_map(boxes), background)


# -- voices ---------------------------------------------------------------------------------

def read_voice(r: Reader, m: YMap, where: str, name: str, path: Optional[Path], project: Path) -> Optional[Voice]:
    r.keys(m, where, ("reelforge-voice", "engine", "language", "options", "description"), required=("engine", "language"))
    engine = r.get_str(m, "engine", join(where, "engine"), None, choices=ENGINES)
    language = r.get_str(m, "language", join(where, "language"), None)
    options = {}
    if "options" in m and engine:
        om = r.mapping(m, "options", join(where, "options"), ENGINES[engine])
        if om is not None:
            options = {str(k): v for k, v in om.items() if k in ENGINES[engine]}
            if engine == "recorded" and "folder" in om:
                base = path.parent if path else project
                folder = (base / str(om["folder"])).resolve()
                if not folder.is_dir():
                    r.error(om.pos("folder"), join(where, "options.folder"), f"folder not found: {display(folder)}")
                options["folder"] = folder
    if engine == "recorded" and "folder" not in options:
        r.error(m.at, where, "a recorded voice needs `options: {folder: ...}` (one file per scene and language)")
    if not engine or not language:
        return None
    return Voice(name=name, path=path, engine=engine, language=language, options=frozen_map(options))


def load_voice(path: Path, name: str, project: Path, problems: list[Problem]) -> Optional[Voice]:
    opened = open_doc(path, "voice", problems)
    if opened is None:
        return None
    doc, r = opened
    return read_voice(r, doc, "", name, path, project)


# -- script ---------------------------------------------------------------------------------

SCRIPT_KEYS = ("reelforge", "id", "title", "brand", "template", "languages", "platforms", "voice", "subtitles",
               "music", "vars", "digits", "scenes")
SCENE_KEYS = ("id", "layout", "say", "text", "subtext", "bullets", "image", "background", "duration",
              "transition", "elements")
SLOT_CONTENT = ("text", "subtext", "bullets", "image")
ELEMENT_KEYS = ("type", "text", "file", "shape", "color", "box", "style", "start", "end", "animate")
SCRIPT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def load_script(path: Path | str, brand: Optional[str] = None, template: Optional[str] = None) -> Script:
    """The script at `path`; `brand` / `template` replace the names it gives (same scenes, other identity)."""
    path = Path(path)
    problems: list[Problem] = []
    script = _load_script(path.resolve() if path.exists() else path, problems, brand, template)
    if problems or script is None:
        raise ReelforgeError(problems or [Problem(display(path), 1, 1, "", "cannot load")])
    return script


def _load_script(path: Path, problems: list[Problem], brand_override=None, template_override=None) -> Optional[Script]:
    opened = open_doc(path, "script", problems)
    if opened is None:
        return None
    doc, r = opened
    base = path.parent
    project = projects.project_of(path)
    r.keys(doc, "", SCRIPT_KEYS, required=("languages", "platforms", "brand", "scenes"))

    sid = r.get_str(doc, "id", "id", path.stem.lower(), pattern=SCRIPT_ID,
                    hint="; use lower-case letters, digits and dashes (it names the output folder)")
    langs = r.get_languages(doc, "languages", "languages") if "languages" in doc else []
    if "languages" in doc and not langs and isinstance(doc["languages"], YList):
        r.error(doc.pos("languages"), "languages", "list at least one language")
    plats = []
    for i, name in enumerate(r.items(doc, "platforms", "platforms")):
        if not isinstance(name, str) or name not in platforms():
            r.error(doc["platforms"].pos(i), f"platforms[{i}]", f"unknown platform '{name}'; {did_you_mean(name, platforms())}")
        elif name not in plats:
            plats.append(name)
    if "platforms" in doc and not plats and isinstance(doc["platforms"], YList) and not doc["platforms"]:
        r.error(doc.pos("platforms"), "platforms", "list at least one platform (see `reelforge platforms`)")

    vars_ = {}
    if "vars" in doc:
        vm = r.mapping(doc, "vars", "vars")
        for k, v in (vm or {}).items():
            if not isinstance(k, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_-]*$", k):
                r.error(vm.key_pos[k], join("vars", k), "a variable name uses letters, digits, _ and -")
            elif v is None or isinstance(v, (bool, YMap, YList)):
                r.error(vm.pos(k), join("vars", k), f"expected text, got {type_name(v)}")
            else:
                vars_[k] = str(v)
    digits = r.get_str(doc, "digits", "digits", "western", choices=("western", "arabic-indic"))

    # brand, then the template (which is checked against the brand's styles and colours)
    brand = None
    bname = brand_override or (r.get_str(doc, "brand", "brand") if "brand" in doc else None)
    if bname:
        bpath = resolve("brand", bname, project, base, r, doc.pos("brand"), "brand")
        if bpath:
            brand = load_brand(bpath, bpath.parent.name, problems)
    template = None
    tname = template_override or r.get_str(doc, "template", "template", "explainer")
    if tname and brand:
        tpath = resolve("template", tname, project, base, r, doc.pos("template") if "template" in doc else doc.at,
                        "template")
        if tpath:
            template = load_template(tpath, brand, project, problems)

    title = r.get_text(doc, "title", "title", langs, vars_) or {}
    voices = read_voices(r, doc, langs, project, base, problems)
    subtitles = read_subtitles(r, doc, langs)
    music = None
    if "music" in doc:
        mm = r.mapping(doc, "music", "music", ("file", "volume_db", "duck_db"), required=("file",))
        if mm is not None:
            f = r.get_file(mm, "file", "music.file", base, project)
            vol = r.get_number(mm, "volume_db", "music.volume_db", -20.0, lo=-60, hi=0)
            duck = r.get_number(mm, "duck_db", "music.duck_db", -10.0, lo=-60, hi=0)
            music = Music(f, vol, duck) if f and vol is not None and duck is not None else None

    scenes = []
    items = r.items(doc, "scenes", "scenes")
    if "scenes" in doc and isinstance(doc["scenes"], YList) and not items:
        r.error(doc.pos("scenes"), "scenes", "a script needs at least one scene")
    seen_ids: dict[str, int] = {}
    for i, sm in enumerate(items):
        where = f"scenes[{i}]"
        if not isinstance(sm, YMap):
            r.error(items.pos(i), where, f"expected a scene mapping, got {type_name(sm)}")
            continue
        scene = read_scene(r, sm, where, i, langs, vars_, brand, template, base, project,
                           voiced=[lang for lang in langs if lang in voices] if "voice" in doc else langs)
        if scene is None:
            continue
        if scene.id in seen_ids:
            r.error(sm.pos("id") if "id" in sm else sm.at, join(where, "id"),
                    f"duplicate scene id '{scene.id}' (also scenes[{seen_ids[scene.id]}])")
            continue
        seen_ids[scene.id] = i
        scenes.append(scene)

    check_voices(r, doc, langs, voices, scenes)
    if template and brand and template.outro and scenes and scenes[-1].layout != template.outro:
        card = brand.end_card
        missing = [lang for lang in langs if not card or lang not in card.text]
        if missing:
            problems.append(Problem(display(brand.path / "brand.yaml"), 1, 1, "end_card.text",
                                    f"template '{template.name}' adds an end card, but the kit has no "
                                    f"{', '.join(missing)} text for it; add `end_card: {{text: {{{missing[0]}: ...}}}}`"))
    if brand and template and not problems:
        check_glyphs(r, doc, brand, langs, title, scenes)
    if problems or not (brand and template and sid):
        return None
    return Script(path=path, project=project, id=sid, title=frozen_map(title), brand=brand, template=template,
                  languages=tuple(langs), platforms=tuple(plats), voices=frozen_map(voices), subtitles=subtitles,
                  music=music, digits=digits or "western", vars=frozen_map(vars_), scenes=tuple(scenes))


def read_voices(r: Reader, doc: YMap, langs, project: Path, base: Path, problems) -> dict[str, Voice]:
    voices = {}
    vm = r.mapping(doc, "voice", "voice", default=YMap()) if "voice" in doc else YMap()
    for lang, value in (vm or {}).items():
        where = join("voice", lang)
        if lang not in langs:
            r.error(vm.key_pos[lang], where, f"'{lang}' is not one of the script's languages ({', '.join(langs)})")
            continue
        if isinstance(value, YMap):
            voice = read_voice(r, value, where, f"inline:{lang}", None, project)
        elif isinstance(value, str):
            vpath = resolve("voice", value, project, base, r, vm.pos(lang), where)
            voice = load_voice(vpath, value, project, problems) if vpath else None
        else:
            r.error(vm.pos(lang), where, "expected a voice profile name or an inline profile mapping")
            continue
        if voice is not None:
            voices[lang] = voice
    return voices


def read_subtitles(r: Reader, doc: YMap, langs) -> Subtitles:
    sm = r.mapping(doc, "subtitles", "subtitles", ("burn", "style", "sidecar", "also"), default=None) \
        if "subtitles" in doc else None
    if sm is None:
        return Subtitles()
    sidecar = []
    for i, s in enumerate(r.items(sm, "sidecar", "subtitles.sidecar", ("srt", "vtt"))):
        if s not in SIDECARS:
            r.error(sm["sidecar"].pos(i), f"subtitles.sidecar[{i}]", f"unknown subtitle format '{s}'; {did_you_mean(s, SIDECARS)}")
        else:
            sidecar.append(s)
    also = {}
    if "also" in sm:
        am = r.mapping(sm, "also", "subtitles.also")
        for k, v in (am or {}).items():
            if k not in langs or v not in langs or k == v:
                r.error(am.pos(k), join("subtitles.also", k),
                        f"'{k}: {v}' must pair two different languages of the script ({', '.join(langs)})")
            else:
                also[k] = v
    return Subtitles(burn=r.get_bool(sm, "burn", "subtitles.burn", True),
                     style=r.get_str(sm, "style", "subtitles.style", "karaoke", choices=CAPTION_STYLES) or "karaoke",
                     sidecar=tuple(sidecar), also=frozen_map(also))


def read_scene(r: Reader, sm: YMap, where: str, i: int, langs, vars_, brand, template, base, project,
               voiced=None) -> Optional[Scene]:
    """A scene. `say` needs every language that has a voice; a language without one is a silent cut."""
    r.keys(sm, where, SCENE_KEYS, required=("layout",))
    sid = r.get_str(sm, "id", join(where, "id"), f"scene-{i + 1}", pattern=ID_RE,
                    hint="; use letters, digits, - and _")
    layout_name = r.get_str(sm, "layout", join(where, "layout"))
    layout = None
    if layout_name and template:
        layout = template.layouts.get(layout_name)
        if layout is None:
            r.error(sm.pos("layout"), join(where, "layout"),
                    f"unknown layout '{layout_name}' in template '{template.name}'; {did_you_mean(layout_name, template.layouts)}")
    palette = brand.colors if brand else {}
    say = r.get_text(sm, "say", join(where, "say"), langs if voiced is None else voiced, vars_)
    if say is not None:
        for lang, s in say.items():
            if not s.strip():
                r.error(sm.pos("say"), join(where, f"say.{lang}"), "the voiceover text is empty; write it or remove `say`")
    texts, bullets, images = {}, {}, {}
    for key in SLOT_CONTENT:
        if key not in sm:
            continue
        w = join(where, key)
        if layout is not None and key not in layout.slots:
            r.error(sm.key_pos[key], w, f"layout '{layout.name}' has no slot '{key}'; its slots: "
                    + (", ".join(layout.slots) or "none"))
            continue
        kind = layout.slots[key].kind if layout is not None else {"bullets": "bullets", "image": "image"}.get(key, "text")
        if kind == "image":
            f = r.get_file(sm, key, w, base, project)
            if f and readable_image(r, f, sm.pos(key), w):
                images[key] = f
        elif kind == "bullets":
            items = r.items(sm, key, w)
            got = [r.get_text(items, j, f"{w}[{j}]", langs, vars_) for j in range(len(items))]
            bullets[key] = tuple(frozen_map(t) for t in got if t)
        else:
            t = r.get_text(sm, key, w, langs, vars_)
            if t is not None:
                texts[key] = frozen_map(t)
    duration = None
    if "duration" in sm and sm["duration"] != "auto":
        if isinstance(sm["duration"], str):
            r.error(sm.pos("duration"), join(where, "duration"), f"expected 'auto' or seconds, got '{sm['duration']}'")
        else:
            duration = r.get_number(sm, "duration", join(where, "duration"), None, lo=0.5, hi=600)
    background = read_background(r, sm, "background", join(where, "background"), palette, base, project) \
        if "background" in sm else None
    transition = read_transition(r, sm, "transition", join(where, "transition"), None)
    elements = []
    for j, em in enumerate(r.items(sm, "elements", join(where, "elements"))):
        e = read_element(r, sm["elements"], j, f"{where}.elements[{j}]", langs, vars_, brand, base, project)
        if e is not None:
            elements.append(e)
    if not sid or (layout_name is None):
        return None
    return Scene(id=sid, layout=layout_name, say=frozen_map(say) if say else None, texts=frozen_map(texts),
                 bullets=frozen_map(bullets), images=frozen_map(images), background=background, duration=duration,
                 transition=transition, elements=tuple(elements), line=sm.at[0])


def read_element(r: Reader, items: YList, j: int, where: str, langs, vars_, brand, base, project) -> Optional[Element]:
    em = r.mapping(items, j, where, ELEMENT_KEYS, required=("type", "box"))
    if em is None:
        return None
    etype = r.get_str(em, "type", join(where, "type"), choices=ELEMENT_TYPES)
    box = r.get_box(em, "box", join(where, "box")) if "box" in em else None
    palette = brand.colors if brand else {}
    text = file = None
    if etype == "text":
        text = r.get_text(em, "text", join(where, "text"), langs, vars_, required=True)
    if etype in ("image", "video"):
        file = r.get_file(em, "file", join(where, "file"), base, project)
        if file and etype == "image" and not readable_image(r, file, em.pos("file"), join(where, "file")):
            file = None
    style = r.get_str(em, "style", join(where, "style"), "body")
    if brand and style and etype == "text" and style not in brand.styles:
        r.error(em.pos("style"), join(where, "style"), f"unknown text style '{style}'; {did_you_mean(style, brand.styles)}")
    start = r.get_number(em, "start", join(where, "start"), 0.0, lo=0)
    end = r.get_number(em, "end", join(where, "end"), None, lo=0)
    if start is not None and end is not None and end <= start:
        r.error(em.pos("end"), join(where, "end"), f"end ({end:g} s) must come after start ({start:g} s)")
    if not etype or not box:
        return None
    return Element(type=etype, box=box, text=frozen_map(text) if text else None, file=file,
                   shape=r.get_str(em, "shape", join(where, "shape"), "rect", choices=SHAPES) or "rect",
                   color=r.get_color(em, "color", join(where, "color"), palette, "accent") or "accent",
                   style=style or "body", start=start or 0.0, end=end,
                   animate=read_animation(r, em, "animate", join(where, "animate"), Animation("fade", "none")),
                   line=em.at[0])


def check_glyphs(r: Reader, doc: YMap, brand: Brand, langs, title, scenes) -> None:
    """Every character shown on screen must be covered by one of the brand's fonts."""
    from .text import Fonts, missing_chars
    fonts = Fonts.from_brand(brand)
    items = doc.get("scenes") or YList()

    def check(text, where, pos):
        for lang in langs:
            s = (text or {}).get(lang)
            missing = missing_chars(s, fonts, "bold") if s else []
            if missing:
                shown = " ".join(f"'{c}' U+{ord(c):04X}" for c in missing[:5])
                r.error(pos, f"{where}.{lang}", f"no font of brand '{brand.key}' has {shown}; "
                                                "add a font for that script to the kit or change the text")

    check(title, "title", doc.pos("title"))
    for i, scene in enumerate(scenes):
        sm = items[i] if i < len(items) and isinstance(items[i], YMap) else doc
        for key, text in scene.texts.items():
            check(text, f"scenes[{i}].{key}", sm.pos(key))
        for key, bl in scene.bullets.items():
            for j, t in enumerate(bl):
                check(t, f"scenes[{i}].{key}[{j}]", sm.pos(key))
        for j, e in enumerate(scene.elements):
            if e.text:
                check(e.text, f"scenes[{i}].elements[{j}].text", sm.pos("elements"))


def check_voices(r: Reader, doc: YMap, langs, voices: dict[str, Voice], scenes) -> None:
    """Every spoken line needs a voice for its language that can speak its script, and a recorded
    voice needs one file per scene and language (all missing files are listed)."""
    from .speech import find_recording
    items = doc.get("scenes") if isinstance(doc.get("scenes"), YList) else YList()
    pos_of = {str(s.get("id", f"scene-{i + 1}")): items.pos(i) for i, s in enumerate(items) if isinstance(s, YMap)}
    for lang in langs:
        spoken = [(i, s) for i, s in enumerate(scenes) if s.say and s.say.get(lang, "").strip()]
        if not spoken:
            continue
        voice = voices.get(lang)
        if voice is None:
            if not isinstance(doc.get("voice"), YMap) or lang not in doc["voice"]:
                r.error(doc.pos("voice") if "voice" in doc else doc.at, "voice",
                        f"scenes have `say` texts in '{lang}' but no voice speaks {lang}; add `voice: {{{lang}: {lang}-offline}}`")
            continue
        for i, scene in spoken:
            text = scene.say[lang]
            where = f"scenes[{i}].say.{lang}"
            if any("\u2d30" <= c <= "\u2d7f" for c in text):
                r.error(pos_of.get(scene.id, doc.at), where, "no speech engine reads Tifinagh script; write `say` in "
                        "Latin transcription or use a recorded voice")
            elif voice.language != "ar" and any("\u0600" <= c <= "\u06ff" for c in text):
                r.error(pos_of.get(scene.id, doc.at), where, f"the voice '{voice.name}' speaks {voice.language}, "
                        "but this text is in Arabic script; use an Arabic voice (e.g. ar-offline)")
            if voice.engine == "recorded" and "folder" in voice.options and Path(voice.options["folder"]).is_dir():
                if find_recording(voice, scene, lang) is None:
                    r.error(pos_of.get(scene.id, doc.at), where,
                            f"no recording for scene '{scene.id}' in {display(voice.options['folder'])}; "
                            f"expected {scene.id}.{lang}.wav (or .mp3, .m4a)")


def readable_image(r: Reader, path: Path, pos, where) -> bool:
    from PIL import Image
    try:
        with Image.open(path) as img:
            img.verify()
        return True
    except Exception as exc:  # Pillow raises many types for damaged files
        r.error(pos, where, f"cannot read the image {display(path)} ({type(exc).__name__}: {exc}); re-export it as PNG or JPEG")
        return False


def readable_font(r: Reader, path: Path, pos, where) -> bool:
    from fontTools.ttLib import TTFont, TTLibError
    from PIL import ImageFont
    try:
        with open(path, "rb") as fh:      # a file object: Pillow must not fall back to a system font
            ImageFont.truetype(fh, 12)
        with TTFont(str(path), lazy=True) as font:
            font.getBestCmap()
        return True
    except (OSError, TTLibError, AssertionError, KeyError) as exc:
        r.error(pos, where, f"cannot read the font {display(path)} ({exc}); use a TrueType/OpenType file")
        return False
