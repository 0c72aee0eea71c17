"""The one way from a loaded script to files, used by `render` and `build`.

`prepare` synthesises the voices, runs the checks that need them and resolves the timelines (every
input problem is raised here, before any frame is drawn); `render_outputs` turns each timeline into
OUT/<id>/<lang>/<platform>.mp4 with its sidecars and .jpg cover.
"""
from __future__ import annotations

import signal
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ContextManager, Optional

from .checks import Lines, check_inputs, check_script
from .compose import Compositor
from .contentkey import content_key
from .encode import encode, staged, write_jpeg
from .errors import display
from .model import Script
from .platforms import platform_for
from .preview import cover_time
from .sidecars import write_sidecars
from .soundtrack import soundtrack
from .speech import SpeechCache, voice_lines
from .timeline import Timeline, build

Tick = Callable[[], None]                       # called once per encoded frame


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or SIGINT) as an exception: it unwinds like Ctrl-C, so temporary files are removed and
    ffmpeg is stopped; `code` is the exit status (128 + the signal number)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.code = 128 + signum


def _raise_interrupted(signum, frame):
    signal.signal(signum, signal.SIG_IGN)           # one unwinding: a second signal does not cut it short
    raise Interrupted(signum)


@contextmanager
def interruptible(*signums: int):
    """Inside the block, SIGTERM (and any other `signums`) raise Interrupted, as Ctrl-C raises KeyboardInterrupt."""
    old = {n: signal.signal(n, _raise_interrupted) for n in (signal.SIGTERM, *signums)}
    try:
        yield
    finally:
        for n, handler in old.items():
            signal.signal(n, handler)


@dataclass(frozen=True)
class SceneSpan:
    id: str
    start: float                                # seconds from the video's start
    end: float


@dataclass
class Output:
    """One rendered video and the files beside it (plain data: crosses process boundaries)."""
    script: str                                 # the script file, as the user reads it
    id: str
    lang: str
    platform: str
    video: Path
    cover: Path
    files: list[Path]
    duration: float
    seconds: float                              # wall time of the render
    scenes: list[SceneSpan]
    timing: dict[str, str]                      # scene id -> engine | whisper | estimate
    key: str                                    # reelforge.contentkey.content_key of what it was made from
    check: Optional[dict] = None                # reelforge.check report, when the file was checked

    @property
    def name(self) -> str:
        return f"{self.id}/{self.lang}/{self.platform}"


@dataclass
class Prepared:
    """A script's checked timelines, ready to render."""
    script: Script
    draft: bool
    lines: Lines                                # lang -> scene id -> voiceover line
    timelines: list[Timeline]


def prepare(script: Script, langs, platforms, *, draft: bool = False, cache: Optional[SpeechCache] = None,
            whisper_model: Optional[str] = None) -> Prepared:
    """Checks → voices → checks → timelines, for every language × platform asked for. Raises ReelforgeError."""
    cache = cache or SpeechCache()
    check_inputs(script)
    lines = {lang: voice_lines(script, lang, cache, whisper_model=whisper_model) for lang in langs}
    check_script(script, langs, platforms, lines)
    tls = [build(script, lang, platform_for(name, draft), lines[lang]) for lang in langs for name in platforms]
    return Prepared(script, draft, lines, tls)


OUT_HINT = "choose another output folder with -o"


def render_one(tl: Timeline, out: Path, draft: bool, on_frame: Optional[Tick] = None) -> Output:
    """One timeline → video with its soundtrack, cover, sidecars, published together: every file is
    written under a temporary name first, then all are renamed into place in the order written (the
    video first), or on any failure none is and the earlier set stays as it was."""
    folder = out / tl.script.id / tl.lang
    video, cover = folder / f"{tl.platform.name}.mp4", folder / f"{tl.platform.name}.jpg"
    start = time.perf_counter()
    comp = Compositor(tl)
    try:
        with staged(OUT_HINT) as files:
            audio = soundtrack(tl, files.scratch(folder / "mix.wav"), files.scratch(folder / "mix-normalised.wav"))
            encode(comp.frames(), tl.platform, tl.duration, video, audio=audio, draft=draft, on_frame=on_frame,
                   staging=files)
            write_jpeg(comp.frame_at(cover_time(tl)), cover, staging=files)
            sidecars = write_sidecars(tl, folder, staging=files)
    finally:
        comp.close()
    return Output(script=display(tl.script.path), id=tl.script.id, lang=tl.lang, platform=tl.platform.name,
                  video=video, cover=cover, files=[video, cover, *sidecars], duration=tl.duration,
                  seconds=time.perf_counter() - start,
                  scenes=[SceneSpan(st.scene.id, st.start, st.end) for st in tl.scenes],
                  timing={st.scene.id: st.line.timed for st in tl.scenes if st.line},
                  key=content_key(tl.script, tl.lang, tl.platform.name, draft))


def render_outputs(job: Prepared, out: Path, *,
                   progress: Optional[Callable[[Timeline], ContextManager[Optional[Tick]]]] = None,
                   on_output: Optional[Callable[[Output], None]] = None) -> list[Output]:
    """Render every prepared timeline. `progress(tl)` may give a per-frame callback for one render."""
    outputs = []
    for tl in job.timelines:
        with progress(tl) if progress else nullcontext() as tick:
            outputs.append(render_one(tl, out, job.draft, on_frame=tick))
        if on_output:
            on_output(outputs[-1])
    return outputs
