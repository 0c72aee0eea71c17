"""The studio's long-lived state: one project, the views of its scripts, caches, renders.

A view is one script × language × platform as last loaded: its model, voice lines, timeline and a
Compositor kept across requests (so scrubbing reuses rasterised sprites). Every file change bumps the
project's version; a view reloads lazily on its next request (the frame first, from the page's side),
and an edit that breaks validation keeps the last good timeline with the problems beside it. Caches are
bounded (views, frames, sheets, lint results, speech held in memory), so memory stays flat over hours.
"""
from __future__ import annotations

import io
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Optional

from PIL import Image

from ..captions import vtt
from ..checks import check_inputs, check_script
from ..compose import Compositor, SceneDrawer
from ..layers import Background
from ..errors import Problem, ReelforgeError
from ..lint import lint as run_lint
from ..load import load_script
from ..model import Script
from ..pipeline import prepare, render_outputs
from ..preview import only_visible, sheet_of
from ..project import KIT_DIRS
from ..speech import SpeechCache, lexicon, scene_voice, speaks_offline, voice_lines
from ..timeline import VOICE_LEAD, Timeline
from ..sidecars import sidecar_events
from ..encode import write_atomic

OUT = Path("out") / "studio"          # renders, inside the project
SKIP = {*KIT_DIRS, "out", "schemas", "node_modules", "__pycache__"}
MAX_VIEWS, MAX_FRAMES, MAX_SHEETS, MAX_LINTS = 4, 48, 4, 4
SPEECH_BYTES = 64 << 20               # sentence audio held in memory, at most


class Bounded(OrderedDict):
    """A least-recently-used dict of at most `size` entries; `on_drop` is told of each evicted value."""

    def __init__(self, size: int, on_drop: Callable = lambda v: None):
        super().__init__()
        self.size, self.on_drop = size, on_drop

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def put(self, key, value):
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.on_drop(self.popitem(last=False)[1])


class MemorySpeech(SpeechCache):
    """The disk speech cache, with the sentences already read kept in memory (bounded in bytes) and the
    lines already assembled not compared again: a reload after an edit re-reads nothing it has."""

    def __init__(self, budget: int = SPEECH_BYTES):
        super().__init__()
        self.budget, self.used = budget, 0
        self._audio: OrderedDict = OrderedDict()
        self._lines: OrderedDict = OrderedDict()
        self._memo = threading.Lock()

    def load(self, key):
        with self._memo:
            if key in self._audio:
                self._audio.move_to_end(key)
                return self._audio[key]
        audio = super().load(key)
        if audio is not None:
            with self._memo:
                self._audio[key] = audio
                self.used += audio.samples.nbytes
                while self.used > self.budget and len(self._audio) > 1:
                    self.used -= self._audio.popitem(last=False)[1].samples.nbytes
        return audio

    def line(self, key, samples):
        with self._memo:
            path = self._lines.get(key)
        if path is not None and path.is_file():
            return path
        path = super().line(key, samples)
        with self._memo:
            self._lines[key] = path
            while len(self._lines) > 4096:
                self._lines.popitem(last=False)
        return path


class Lines:
    """Voice lines per scene, remembered by what shapes them (the `say` text, the voice profile, the
    lexicon): a reload after an edit asks `voice_lines` only for the scenes whose speech changed."""

    def __init__(self, cache: SpeechCache, size: int = 1024):
        self.cache, self.memo = cache, Bounded(size)
        self._lock = threading.Lock()

    def __call__(self, s: Script, lang: str) -> dict:
        lex = repr(sorted(lexicon(s, lang).items()))
        keys = {sc.id: (lang, sc.say[lang], repr(scene_voice(s, sc, lang)), lex)
                for sc in s.scenes if sc.say and sc.say.get(lang, "").strip()}
        with self._lock:
            known = {sid: self.memo.get(k) for sid, k in keys.items()}
        missing = [sc for sc in s.scenes if sc.id in keys and known[sc.id] is None]
        if missing:
            try:
                known.update(voice_lines(replace(s, scenes=tuple(missing)), lang, self.cache))
            except ReelforgeError:         # said again on the whole script: the message names the right scene
                known.update(voice_lines(s, lang, self.cache))
            with self._lock:
                for sc in missing:
                    self.memo.put(keys[sc.id], known[sc.id])
        return {sid: known[sid] for sid in keys}


class Backgrounds:
    """Scene backgrounds kept across reloads, by what draws them: an edit of a text does not redraw its
    scene's image, gradient or moving background. Video backgrounds (a reader with a position) are not kept."""

    def __init__(self, size: int = 8):
        self.size, self.kept = size, []          # [(key, Background)], most recent last

    def get(self, tl: Timeline, st) -> Optional[Background]:
        if st.background.kind == "video":
            return None
        key = (st.background, st.duration, st.index, tl.platform.width, tl.platform.height, tl.brand.colors)
        for k, (known, bg) in enumerate(self.kept):
            if known == key:
                self.kept.append(self.kept.pop(k))
                return bg
        bg = Background(st, tl)
        self.kept = (self.kept + [(key, bg)])[-self.size:]
        return bg


class Drawn(Compositor):
    """A Compositor whose scenes take their backgrounds from a pool that outlives it."""

    def __init__(self, timeline: Timeline, pool: Backgrounds):
        super().__init__(timeline)
        self.pool = pool

    def drawer(self, i: int) -> SceneDrawer:
        if i not in self._drawers:
            for k in [k for k in self._drawers if k < i - 1]:
                self._drawers.pop(k).close()
            st = self.tl.scenes[i]
            self._drawers[i] = SceneDrawer(self.tl, st, self.extra(st), background=self.pool.get(self.tl, st))
        return self._drawers[i]


@dataclass
class View:
    """One script × language × platform: the last good state, and the problems of the latest load."""
    script: Path                               # relative to the project
    lang: Optional[str]
    platform: Optional[str]
    version: int = -1                          # the project version it reflects
    model: Optional[Script] = None             # last good
    lines: Optional[dict] = None
    timeline: Optional[Timeline] = None
    comp: Optional[Compositor] = None
    serial: int = 0                            # bumped when the timeline changes (frame cache key)
    fresh: bool = False                        # just reloaded: the next frame draws only what is visible
    problems: list = field(default_factory=list)
    languages: tuple = ()
    platforms: tuple = ()
    resolved: tuple = ()                       # (language, platform) of the last good timeline
    lock: threading.Lock = field(default_factory=threading.Lock)
    backgrounds: Backgrounds = field(default_factory=Backgrounds)

    def close(self):
        if self.comp is not None:
            self.comp.close()
            self.comp = None


def problem_json(p: Problem) -> dict:
    return {"text": str(p), "file": p.file, "line": p.line, "col": p.col, "where": p.where, "what": p.what,
            "rule": p.rule}


class Project:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.version = 0
        self.speech = MemorySpeech()
        self.lines = Lines(self.speech)
        self._lock = threading.Lock()
        self._views = Bounded(MAX_VIEWS, lambda v: v.close())
        self._frames = Bounded(MAX_FRAMES)
        self._sheets = Bounded(MAX_SHEETS)
        self._lints = Bounded(MAX_LINTS)
        self._lint_lock = threading.Lock()
        self.render = Renders(self)

    # -- what the project holds ----------------------------------------------------------
    def scripts(self) -> list[str]:
        """Script files of the project (YAML with `scenes:` outside the kit folders and outputs)."""
        found = []
        for path in sorted(self.root.rglob("*.y*ml")):
            rel = path.relative_to(self.root)
            if rel.parts[0] in SKIP or any(p.startswith(".") for p in rel.parts) or path.is_symlink():
                continue
            try:
                head = path.read_text("utf-8", errors="replace")[:200_000]
            except OSError:
                continue
            if "\nscenes:" in head or head.startswith("scenes:"):
                found.append(rel.as_posix())
        return found

    def changed(self) -> int:
        with self._lock:
            self.version += 1
            return self.version

    # -- views ---------------------------------------------------------------------------
    def view(self, script: str, lang: Optional[str], platform: Optional[str]) -> View:
        """The view, reloaded if the project changed since it was last loaded."""
        key = (script, lang, platform)
        with self._lock:
            v = self._views.get(key)
            if v is None:
                v = View(Path(script), lang, platform)
                self._views.put(key, v)
            version = self.version
        with v.lock:
            if v.version != version:
                self._reload(v, version)
        return v

    def _reload(self, v: View, version: int) -> None:
        path = self.root / v.script
        try:
            s = load_script(path)
            check_inputs(s)
            v.languages, v.platforms = s.languages, s.platforms
            lang = v.lang if v.lang in s.languages else s.languages[0]
            plat = v.platform if v.platform in s.platforms else s.platforms[0]
            # an offline voice's real lines (from the speech cache), as `preview` does; others are estimated
            lines = self.lines(s, lang) if speaks_offline(s, lang) else None
            tl = check_script(s, [lang], [plat], {lang: lines} if lines else None)[(lang, plat)]
        except ReelforgeError as exc:
            v.problems, v.version = list(exc.problems), version
            return
        except Exception as exc:         # keep serving the last good state; say what happened, located
            v.problems = [Problem(str(v.script), 1, 1, "studio", f"internal error: {type(exc).__name__}: {exc}")]
            v.version = version
            return
        v.problems, v.version = [], version
        v.model, v.lines = s, {lang: lines} if lines else None
        v.resolved = (lang, plat)
        if v.timeline != tl:              # another file changed: keep the compositor and its sprites
            v.close()
            v.timeline, v.comp, v.serial, v.fresh = tl, Drawn(tl, v.backgrounds), v.serial + 1, True

    def frame(self, v: View, t: float) -> tuple[bytes, float]:
        """The JPEG of the last good timeline's frame nearest `t`, and its time."""
        tl = v.timeline
        k = max(0, min(round(t * tl.platform.fps), round(tl.duration * tl.platform.fps) - 1))
        key = (id(v), v.serial, k)
        with self._lock:
            hit = self._frames.get(key)
        if hit is not None:
            return hit, k / tl.platform.fps
        at = k / tl.platform.fps
        with v.lock:
            if v.fresh:     # the first frame after an edit: rasterise only what is on screen (as `preview`)
                v.fresh = False
                comp = Drawn(only_visible(tl, at), v.backgrounds)
                try:
                    data = jpeg(Image.fromarray(comp.frame_at(at)))
                finally:
                    comp.close()
            else:
                data = jpeg(Image.fromarray(v.comp.frame_at(at)))
        with self._lock:
            self._frames.put(key, data)
        return data, k / tl.platform.fps

    def sheet(self, v: View) -> bytes:
        key = (id(v), v.serial)
        with self._lock:
            hit = self._sheets.get(key)
        if hit is None:
            hit = jpeg(sheet_of(v.timeline, thumb_w=240))
            with self._lock:
                self._sheets.put(key, hit)
        return hit

    def lint(self, v: View) -> Optional[list[dict]]:
        """Lint findings of the script's last good model (every language and platform it names); None when
        the project changed since the view was loaded (the page asks again after the new frame)."""
        key = (id(v), v.serial)
        with self._lint_lock:              # one lint at a time: requests for an outdated state return at once
            with self._lock:
                hit = self._lints.get(key)
            if hit is not None or key != (id(v), v.serial) or v.version != self.version:
                return hit
            s = v.model
            spoken = [lang for lang in s.languages if speaks_offline(s, lang)]
            lines = {lang: self.lines(s, lang) for lang in spoken}
            hit = [problem_json(p) for p in run_lint(s, lines)]
            with self._lock:
                self._lints.put(key, hit)
        return hit

    def describe(self, v: View) -> dict:
        """The page's model of a view: timeline tracks, captions, problems."""
        out = {"version": v.version, "script": v.script.as_posix(), "languages": list(v.languages),
               "platforms": list(v.platforms), "problems": [problem_json(p) for p in v.problems],
               "stale": bool(v.problems) and v.timeline is not None, "ready": v.timeline is not None}
        tl = v.timeline
        if tl is None:
            return out
        title = tl.script.title or {}
        out.update({
            "id": tl.script.id, "title": title.get(tl.lang, "") if hasattr(title, "get") else str(title),
            "lang": tl.lang, "platform": tl.platform.name, "rtl": tl.rtl, "duration": tl.duration,
            "fps": tl.platform.fps, "width": tl.platform.width, "height": tl.platform.height,
            "scenes": [{"id": st.scene.id, "index": st.index, "start": st.start, "end": st.end,
                        "transition": {"name": st.transition.name, "duration": st.transition.duration}}
                       for st in tl.scenes],
            "voice": [{"scene": st.scene.id, "start": st.start + VOICE_LEAD,
                       "end": min(st.end, st.start + VOICE_LEAD + st.line.duration), "timed": st.line.timed,
                       "text": " ".join(w.text for w in st.line.words)}
                      for st in tl.scenes if st.line is not None and st.line.duration > 0],
            "captions": [{"start": e.start, "end": e.end, "text": e.text} for e in sidecar_events(tl)],
        })
        return out


def jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=88)
    return buf.getvalue()


class Renders:
    """One render at a time, in a background thread, into <project>/out/studio/; progress by callback."""

    def __init__(self, project: Project):
        self.project = project
        self.state: dict = {"status": "idle"}
        self._thread: Optional[threading.Thread] = None
        self.notify: Callable[[dict], None] = lambda state: None

    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, v: View, draft: bool) -> dict:
        if self.busy():
            return {**self.state, "refused": "a render is already running"}
        s, (lang, plat) = v.model, v.resolved
        self.state = {"status": "running", "script": v.script.as_posix(), "lang": lang, "platform": plat,
                      "draft": draft, "done": 0, "total": 0, "started": time.time()}
        self._thread = threading.Thread(target=self._run, args=(s, lang, plat, draft), daemon=True,
                                        name="reelforge-studio-render")
        self._thread.start()
        return self.state

    def _run(self, s: Script, lang: str, plat: str, draft: bool) -> None:
        out = self.project.root / OUT
        last = [0.0]

        @contextmanager
        def progress(tl):
            self.state.update(total=max(1, round(tl.duration * tl.platform.fps)), done=0)
            self.notify(dict(self.state))

            def tick():
                self.state["done"] += 1
                now = time.monotonic()
                if now - last[0] > 0.2:
                    last[0] = now
                    self.notify(dict(self.state))
            yield tick

        try:
            job = prepare(s, [lang], [plat], draft=draft, cache=self.project.speech)
            outputs = render_outputs(job, out, progress=progress)
            o = outputs[0]
            track = o.video.with_suffix(".vtt")
            if track not in o.files:                # the page's <track> needs WebVTT whatever the script asks
                track = o.video.with_name(f"{o.video.stem}.studio.vtt")
                write_atomic(track, vtt(sidecar_events(job.timelines[0]), lang))
            self.state.update(status="done", done=self.state["total"], seconds=round(o.seconds, 2),
                              video=o.video.relative_to(self.project.root).as_posix(),
                              track=track.relative_to(self.project.root).as_posix(), rtl=job.timelines[0].rtl)
        except ReelforgeError as exc:
            self.state.update(status="failed", problems=[problem_json(p) for p in exc.problems]
                              or [{"text": str(exc)}])
        except Exception as exc:             # the page shows it; the server keeps running
            self.state.update(status="failed", problems=[{"text": f"internal error: {type(exc).__name__}: {exc}"}])
        self.notify(dict(self.state))
