"""Load a script with its brand kit, template chain and voice profiles into the immutable model.

`load_script(path)` returns the Script or raises ReelforgeError carrying every problem found in
every file involved, each as `file:line:col: where: what`. What each key may hold is declared in
`config/` (one schema per document kind); this module reads them in order and checks what spans
documents (layouts and slots of the template, voices for spoken languages, the end card's texts).
Checks that need fonts, recordings or timing run after loading (`checks.py`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from . import project as projects
from .config.brand import load_brand
from .config.documents import open_doc, resolve
from .config import limits
from .config.options import INVALID, Context, expect, join
from .config.script import SCENE, SCRIPT, SCRIPT_ID, SLOT_CONTENT, SLOT_KIND
from .config.template import load_template
from .config.voice import load_voice, read_voice
from .config.yamlfile import YList, YMap, type_name
from .errors import Problem, ReelforgeError, display
from .language import has_arabic, language, script_of
from .model import Music, Scene, Script, Subtitles, Voice, frozen_map

__all__ = ["load_script", "load_brand", "load_template", "load_voice"]


def load_script(path: Path | str, brand: Optional[str] = None, template: Optional[str] = None) -> Script:
    """The script at `path`; `brand` / `template` replace the names it gives (same scenes, other identity)."""
    path = Path(path)
    problems: list[Problem] = []
    script = _load_script(path.resolve() if path.exists() else path, problems, brand, template)
    if problems or script is None:
        raise ReelforgeError(list(dict.fromkeys(problems)) or [Problem(display(path), 1, 1, "", "cannot load")])
    return script


def _load_script(path: Path, problems: list[Problem], brand_override=None, template_override=None) -> Optional[Script]:
    doc = open_doc(path, "script", problems)
    if doc is None:
        return None
    project = projects.project_of(path)
    ctx = Context(path, problems, base=path.parent, project=project, variables={})
    SCRIPT.unknown_keys(doc, "", ctx)
    for key in ("languages", "platforms", "brand", "scenes"):
        if doc.get(key) is None:
            ctx.error(doc.at, "(top level)", f"missing required key '{key}'")
    v = SCRIPT.read_some(doc, ("id", "languages", "platforms", "vars", "digits", "template"), "", ctx)
    if doc.get("id") is None and not SCRIPT_ID.match(path.stem.lower()):
        ctx.error(doc.at, "id", f"the file name '{path.name}' cannot name the output folder; add `id:` "
                                "(lower-case letters, digits and dashes) or rename the file")
    langs = list(ctx.languages)

    # the brand, then the template (checked against the brand's styles and colours)
    brand = template = None
    bname = brand_override or (SCRIPT.fields["brand"].read(doc["brand"], doc.pos("brand"), "brand", ctx)
                               if doc.get("brand") is not None else None)
    if bname and bname is not INVALID:
        bpath = resolve("brand", bname, project, path.parent, ctx, doc.pos("brand"), "brand")
        brand = load_brand(bpath, bpath.parent.name, problems) if bpath else None
    tname = template_override or v["template"]
    if brand and tname is not INVALID:
        tpath = resolve("template", tname, project, path.parent, ctx, doc.pos("template") if "template" in doc else doc.at,
                        "template")
        template = load_template(tpath, brand, project, problems) if tpath else None

    rest = SCRIPT.read_some(doc, ("title", "subtitles", "music", "pronounce", "typography"), "", ctx)
    voices = read_voices(doc, langs, project, ctx)
    voiced = [lang for lang in langs if lang in voices] if "voice" in doc else langs
    ctx.palette = brand.colors if brand else {}
    ctx.styles = brand.styles if brand else None
    ctx.layouts = template.layouts if template else None
    ctx.template = template.name if template else ""
    ctx.voiced = voiced
    scenes = read_scenes(doc, ctx, template)
    check_voices(doc, ctx, voices, scenes)
    if template and brand and template.outro and scenes and scenes[-1].layout != template.outro:
        card = brand.end_card
        missing = [lang for lang in langs if not card or lang not in card.text]
        if missing:
            problems.append(Problem(display(brand.path / "brand.yaml"), 1, 1, "end_card.text",
                                    f"template '{template.name}' adds an end card, but the kit has no "
                                    f"{', '.join(missing)} text for it; add `end_card: {{text: {{{missing[0]}: ...}}}}`"))
    if problems or not (brand and template) or INVALID in v.values() or INVALID in rest.values():
        return None
    subs, music = rest["subtitles"], rest["music"]
    return Script(path=path, project=project, id=v["id"] or path.stem.lower(), title=rest["title"] or frozen_map({}),
                  brand=brand, template=template, languages=tuple(langs), platforms=v["platforms"],
                  voices=frozen_map(voices), subtitles=Subtitles(**subs) if subs else Subtitles(),
                  music=Music(**music) if music else None, digits=v["digits"], vars=v["vars"],
                  scenes=tuple(scenes), pos=frozen_map(doc.val_pos), pronounce=rest["pronounce"] or frozen_map({}),
                  typography=rest["typography"])


def read_voices(doc: YMap, langs, project: Path, ctx: Context, prefix: str = "") -> dict[str, Voice]:
    voices = {}
    vm = doc.get("voice")
    if vm is None:
        return voices
    if prefix and isinstance(vm, str):          # a scene's `voice: name`: for the language the profile speaks
        vpath = resolve("voice", vm, project, ctx.base, ctx, doc.pos("voice"), join(prefix, "voice"))
        voice = load_voice(vpath, vm, project, ctx.problems) if vpath else None
        if voice is not None and voice.language not in langs:
            ctx.error(doc.pos("voice"), join(prefix, "voice"), f"the voice '{vm}' speaks {voice.language}, which is "
                      f"not one of the script's languages ({', '.join(langs)})")
            return voices
        return {voice.language: voice} if voice is not None else voices
    if not expect(vm, YMap, doc.pos("voice"), join(prefix, "voice"), ctx):
        return voices
    for lang, value in vm.items():
        where = join(join(prefix, "voice"), lang)
        if lang not in langs:
            ctx.error(vm.key_pos[lang], where, f"'{lang}' is not one of the script's languages ({', '.join(langs)})")
            continue
        if isinstance(value, YMap):
            voice = read_voice(value, vm.pos(lang), where, f"inline:{lang}", None, ctx)
        elif isinstance(value, str):
            vpath = resolve("voice", value, project, ctx.base, ctx, vm.pos(lang), where)
            voice = load_voice(vpath, value, project, ctx.problems) if vpath else None
        else:
            ctx.error(vm.pos(lang), where, "expected a voice profile name or an inline profile mapping")
            continue
        if voice is not None:
            voices[lang] = voice
    return voices


def read_scenes(doc: YMap, ctx: Context, template) -> list[Scene]:
    items = doc.get("scenes")
    if items is None:
        return []
    if not expect(items, YList, doc.pos("scenes"), "scenes", ctx):
        return []
    if not items:
        ctx.error(doc.pos("scenes"), "scenes", "a script needs at least one scene")
    if len(items) > limits.SCENES:
        ctx.error(doc.pos("scenes"), "scenes", f"{len(items):,} scenes; a script may hold at most {limits.SCENES} "
                                               "(split it into several scripts)")
        return []
    scenes, seen = [], {}
    for i, sm in enumerate(items):
        where = f"scenes[{i}]"
        if not isinstance(sm, YMap):
            ctx.error(items.pos(i), where, f"expected a scene mapping, got {type_name(sm)}")
            continue
        scene = read_scene(sm, items.pos(i), where, i, ctx, template)
        if scene is None:
            continue
        if scene.id in seen:
            ctx.error(sm.pos("id") if "id" in sm else sm.at, join(where, "id"),
                      f"duplicate scene id '{scene.id}' (also scenes[{seen[scene.id]}])")
            continue
        seen[scene.id] = i
        scenes.append(scene)
    return scenes


def read_scene(sm: YMap, pos, where: str, i: int, ctx: Context, template) -> Optional[Scene]:
    """A scene. `say` needs every language that has a voice; a language without one is a silent cut."""
    v = SCENE.read(sm, pos, where, ctx)
    scene_voices = read_voices(sm, ctx.languages, ctx.project, ctx, where) if "voice" in sm else {}
    if v["say"] not in (None, INVALID):
        for lang, s in v["say"].items():
            if not s.strip():
                ctx.error(sm.pos("say"), join(join(where, "say"), lang), "the voiceover text is empty; write it or remove `say`")
    layout = template.layouts.get(v["layout"]) if template and v["layout"] not in (None, INVALID) else None
    for key in SLOT_CONTENT:
        if key not in sm or layout is None:
            continue
        slot = layout.slots.get(key)
        if slot is None:
            ctx.error(sm.key_pos[key], join(where, key), f"layout '{layout.name}' has no slot '{key}'; its slots: "
                      + (", ".join(layout.slots) or "none"))
        elif slot.kind != SLOT_KIND[key]:
            ctx.error(sm.key_pos[key], join(where, key), f"slot '{key}' of layout '{layout.name}' holds "
                                                          f"{slot.kind}, not {SLOT_KIND[key]}")
    if v["layout"] in (None, INVALID) or any(x is INVALID for x in v.values()):
        return None
    present = lambda key: v[key] is not None and (layout is None or key in layout.slots)
    return Scene(id=v["id"] or f"scene-{i + 1}", layout=v["layout"], say=v["say"],
                 texts=frozen_map({k: v[k] for k in ("text", "subtext") if present(k)}),
                 bullets=frozen_map({"bullets": v["bullets"]} if present("bullets") else {}),
                 images=frozen_map({"image": v["image"]} if present("image") else {}),
                 background=v["background"], duration=v["duration"], transition=v["transition"],
                 elements=v["elements"], line=sm.at[0], pos=frozen_map(sm.val_pos), voices=frozen_map(scene_voices))


def check_voices(doc: YMap, ctx: Context, voices: dict[str, Voice], scenes) -> None:
    """Every spoken line needs a voice for its language that can speak its script."""
    items = doc.get("scenes") if isinstance(doc.get("scenes"), YList) else YList()
    pos_of = {str(s.get("id", f"scene-{i + 1}")): items.pos(i) for i, s in enumerate(items) if isinstance(s, YMap)}
    for lang in ctx.languages:
        spoken = [(i, s) for i, s in enumerate(scenes) if s.say and s.say.get(lang, "").strip()]
        if not spoken:
            continue
        voice = voices.get(lang)
        if voice is None:
            if not isinstance(doc.get("voice"), YMap) or lang not in doc["voice"]:
                ctx.error(doc.pos("voice") if "voice" in doc else doc.at, "voice",
                          f"scenes have `say` texts in '{lang}' but no voice speaks {lang}; add `voice: {{{lang}: {lang}-offline}}`")
            continue
        for i, scene in spoken:
            text = scene.say[lang]
            where = f"scenes[{i}].say.{lang}"
            said_by = scene.voices.get(lang, voice)       # the scene's own profile, if it switches
            if any(script_of(c) == "tifinagh" for c in text):
                ctx.error(pos_of.get(scene.id, doc.at), where, "no speech engine reads Tifinagh script; write `say` in "
                          "Latin transcription or use a recorded voice")
            elif language(said_by.language).script != "arabic" and has_arabic(text):
                ctx.error(pos_of.get(scene.id, doc.at), where, f"the voice '{said_by.name}' speaks {said_by.language}, "
                          "but this text is in Arabic script; use an Arabic voice (e.g. ar-offline)")
