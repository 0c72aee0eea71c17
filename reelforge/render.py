"""The one orchestrator: script → (per language and platform) timeline → frames → encoder → files.

Output layout: OUT/<script-id>/<lang>/<platform>.mp4 with <platform>.jpg (cover) beside it, and
OUT/<script-id>/manifest.json.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from . import __version__
from .compose import Compositor
from .encode import encode, write_atomic, write_jpeg
from .errors import Problem, ReelforgeError, display
from .model import Script
from .platforms import Platform, registry
from .timeline import Timeline, build

DRAFT_SCALE = 0.5


@dataclass
class Output:
    lang: str
    platform: str
    video: Path
    cover: Path
    duration: float
    seconds: float            # wall time of the render
    files: list[Path] = field(default_factory=list)
    timing: dict = field(default_factory=dict)     # scene id -> engine | whisper | estimate


def platform_for(name: str, draft: bool) -> Platform:
    p = registry()[name]
    return p.scaled(DRAFT_SCALE) if draft else p


def timelines(script: Script, langs, plats, draft: bool = False, lines=None):
    for lang in langs:
        for name in plats:
            yield build(script, lang, platform_for(name, draft), (lines or {}).get(lang))


def check(script: Script, langs, plats, lines=None) -> None:
    """Problems only visible once times and boxes are known: durations past a platform's limit,
    explicit durations shorter than their speech, text that does not fit its box even at the
    style's minimum size. Run before any frame is drawn."""
    problems: list[Problem] = []
    file = display(script.path)
    from .layers import text_block
    from .timeline import VOICE_LEAD
    for lang in langs:
        for i, scene in enumerate(script.scenes):
            line = (lines or {}).get(lang, {}).get(scene.id)
            if line and scene.duration is not None and scene.duration < VOICE_LEAD + line.duration:
                problems.append(Problem(file, scene.line, 1, f"scenes[{i}].duration",
                                        f"{scene.duration:g} s is shorter than its {lang} voiceover "
                                        f"({VOICE_LEAD + line.duration:.1f} s); use `duration: auto` or shorten `say`"))
    for tl in timelines(script, langs, plats, lines=lines):
        p = tl.platform
        if tl.duration > p.max_duration:
            problems.append(Problem(file, 1, 1, "scenes", f"the {tl.lang} video lasts {tl.duration:.1f} s but "
                                    f"{p.name} allows at most {p.max_duration:g} s; shorten it or drop {p.name}"))
        for st in tl.scenes:
            for item in st.items:
                if item.kind == "text" and item.style is not None:
                    block = text_block(item, tl)
                    if not block.fits:
                        problems.append(Problem(file, st.scene.line, 1, f"scenes[{st.index}].{item.name}",
                                                f"the {tl.lang} text does not fit its box on {p.name} ({p.aspect}) "
                                                f"even at the minimum size; shorten it"))
    if problems:
        raise ReelforgeError(sorted(set(problems), key=lambda q: (q.line, q.where, q.what)))


def rhythm(script: Script, lines, share: float = 0.25) -> list[tuple[int, str]]:
    """(scene index, what) for scenes whose voiceover in one language runs much longer than in another."""
    out = []
    langs = [lang for lang in lines if lines[lang]]
    for i, scene in enumerate(script.scenes):
        durs = {lang: lines[lang][scene.id].duration for lang in langs if scene.id in lines[lang]}
        if len(durs) < 2:
            continue
        lo, hi = min(durs, key=durs.get), max(durs, key=durs.get)
        if durs[hi] > durs[lo] * (1 + share):
            out.append((i, f"the {hi} voiceover ({durs[hi]:.1f} s) runs {100 * (durs[hi] / durs[lo] - 1):.0f}% longer "
                           f"than the {lo} one ({durs[lo]:.1f} s); keep both cuts in rhythm"))
    return out


def rhythm_notes(script: Script, lines, share: float = 0.25) -> list[str]:
    """Notes for `render`: languages out of rhythm, recordings that deviate from the script."""
    notes = []
    langs = [lang for lang in lines if lines[lang]]
    for lang in langs:
        for i, scene in enumerate(script.scenes):
            line = lines[lang].get(scene.id)
            if line is not None and line.wer is not None and line.wer > 0.15:
                notes.append(f"{display(script.path)}:{scene.line}:1: scenes[{i}] ({scene.id}): the {lang} recording "
                             f"deviates from the script (word error rate {100 * line.wer:.0f}%); check the take")
    for i, what in rhythm(script, lines, share):
        scene = script.scenes[i]
        notes.append(f"{display(script.path)}:{scene.line}:1: scenes[{i}] ({scene.id}): {what}")
    return notes


def soundtrack(tl: Timeline, folder: Path) -> Optional[Path]:
    """The voice lines placed on the timeline, music ducked under them, normalised to the platform's
    loudness target. None when there is nothing to hear (the encoder then writes silence)."""
    from .audio import decode, loudnorm, mix, write_wav
    from .timeline import VOICE_LEAD
    lines = [(st.start + VOICE_LEAD, decode(st.line.audio)) for st in tl.scenes if st.line and st.line.audio]
    music = tl.script.music
    if not lines and music is None:
        return None
    raw = folder / "mix.wav"
    write_wav(raw, mix(tl.duration, lines, (music.file, music.volume_db, music.duck_db) if music else None), 48000)
    out = folder / "mix-normalised.wav"
    try:
        loudnorm(raw, out, tl.platform.loudness, tl.platform.true_peak)
    except ValueError:      # silence cannot be normalised
        return raw
    return out


def cover_time(tl: Timeline) -> float:
    """A frame where the first scene's items have entered: its enter animations done."""
    st = tl.scenes[0]
    settle = max([i.start + i.animate.duration for i in st.items] + [0.5])
    return min(st.start + settle + 0.1, st.end - 0.05)


def sidecar_events(tl: Timeline):
    """Block-segmented caption events of the whole video (sidecars use blocks whatever the burned style)."""
    from .captions import block_events
    from .timeline import VOICE_LEAD, shifted
    events = []
    rules = tl.script.template.caption_rules(tl.lang)
    for st in tl.scenes:
        if st.line and st.line.words:
            events += block_events(shifted(st.line.words, st.start + VOICE_LEAD), tl.lang, tl.platform.fps,
                                   until=st.end, rules=rules)
    return events


def write_sidecars(tl: Timeline, folder: Path) -> list[Path]:
    from .captions import srt, vtt
    events = sidecar_events(tl)
    written = []
    for kind in tl.script.subtitles.sidecar:
        path = folder / f"{tl.platform.name}.{kind}"
        write_atomic(path, srt(events) if kind == "srt" else vtt(events, tl.lang))
        written.append(path)
    return written


def render_one(tl: Timeline, out: Path, draft: bool,
               on_frame: Optional[Callable[[], None]] = None) -> Output:
    folder = out / tl.script.id / tl.lang
    video, cover = folder / f"{tl.platform.name}.mp4", folder / f"{tl.platform.name}.jpg"
    start = time.perf_counter()
    comp = Compositor(tl)
    try:
        with tempfile.TemporaryDirectory(prefix="reelforge-") as tmp:
            audio = soundtrack(tl, Path(tmp))
            encode(comp.frames(), tl.platform, tl.duration, video, audio=audio, draft=draft, on_frame=on_frame)
        write_jpeg(comp.frame_at(cover_time(tl)), cover)
    finally:
        comp.close()
    sidecars = write_sidecars(tl, folder)
    timing = {st.scene.id: st.line.timed for st in tl.scenes if st.line}
    return Output(tl.lang, tl.platform.name, video, cover, tl.duration, time.perf_counter() - start,
                  [video, cover, *sidecars], timing)


def inputs_hash(script: Script) -> str:
    """Hash of every file that shapes the script's videos."""
    h = hashlib.sha256(__version__.encode())
    files = [script.path, *script.template.chain, *sorted(script.brand.path.rglob("*"))]
    for scene in script.scenes:
        files += list(scene.images.values()) + [e.file for e in scene.elements if e.file]
        if scene.background and scene.background.file:
            files.append(scene.background.file)
    files += [v.path for v in script.voices.values() if v.path]
    for f in files:
        if f and Path(f).is_file():
            h.update(str(f).encode())
            h.update(Path(f).read_bytes())
    return h.hexdigest()[:16]


def write_manifest(script: Script, out: Path, outputs: list[Output]) -> Path:
    """OUT/<id>/manifest.json: earlier entries for other languages/platforms are kept."""
    path = out / script.id / "manifest.json"
    old = {}
    if path.is_file():
        try:
            old = {(o["lang"], o["platform"]): o for o in json.loads(path.read_text("utf-8")).get("outputs", [])}
        except (ValueError, KeyError, TypeError):
            old = {}
    for o in outputs:
        old[(o.lang, o.platform)] = {
            "lang": o.lang, "platform": o.platform, "duration": round(o.duration, 3),
            "render_seconds": round(o.seconds, 2), "timing": o.timing,
            "files": [str(f.relative_to(out / script.id)) for f in o.files],
        }
    data = {"script": display(script.path), "id": script.id, "reelforge": __version__,
            "inputs_hash": inputs_hash(script), "outputs": sorted(old.values(), key=lambda o: (o["lang"], o["platform"]))}
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return path


# -- previews -----------------------------------------------------------------------------

def preview_frame(script: Script, lang: str, platform: str, t: float) -> np.ndarray:
    tl = build(script, lang, platform_for(platform, False))
    comp = Compositor(tl)
    try:
        return comp.frame_at(min(max(0.0, t), tl.duration - 1e-3)).copy()
    finally:
        comp.close()


def contact_sheet(script: Script, lang: str, platform: str, thumb_w: int = 360):
    """One image: every scene's key frame, labelled, in reading order."""
    from PIL import Image, ImageDraw
    tl = build(script, lang, platform_for(platform, False))
    comp = Compositor(tl)
    thumbs = []
    try:
        for st in tl.scenes:
            settle = max([i.start + i.animate.duration for i in st.items] + [0.5])
            t = st.start + min(settle + 0.2, st.duration * 0.8)
            img = Image.fromarray(comp.frame_at(t))
            thumbs.append((st, img.resize((thumb_w, round(thumb_w * img.height / img.width)), Image.LANCZOS)))
    finally:
        comp.close()
    cols = min(len(thumbs), 4 if tl.platform.height > tl.platform.width else 3)
    rows = -(-len(thumbs) // cols)
    th = thumbs[0][1].height
    pad, label = 16, 28
    sheet = Image.new("RGB", (cols * (thumb_w + pad) + pad, rows * (th + pad + label) + pad), (32, 32, 36))
    d = ImageDraw.Draw(sheet)
    for k in range(len(thumbs)):
        st, img = thumbs[k]
        c, r = k % cols, k // cols
        if tl.rtl:
            c = cols - 1 - c   # Arabic sheets read right to left too
        x, y = pad + c * (thumb_w + pad), pad + r * (th + pad + label)
        sheet.paste(img, (x, y + label))
        d.text((x, y + 6), f"{st.index + 1}. {st.scene.id}  {st.start:.1f}-{st.end:.1f} s", fill=(230, 230, 230))
    return sheet
