"""The one way from a loaded script to files, used by `render` and `build`.

`prepare` synthesises the voices, runs the checks that need them and resolves the timelines (every
input problem is raised here, before any frame is drawn); `render_outputs` turns each timeline into
OUT/<id>/<lang>/<platform>.mp4 with its sidecars and .jpg cover.
"""
from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Callable, ContextManager, Optional

from .checks import Lines, check_inputs, check_script
from .compose import Compositor
from .contentkey import content_key
from .encode import audio_args, converter, encode_many, rate, staged, video_args, write_jpeg
from .errors import display
from .model import Script
from .platforms import Platform, platform_for, registry
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


_PENDING: list[int] = []     # a signal whose exception was swallowed (it landed in a fork hook or a finaliser)


def raise_interrupted(signum, frame):
    signal.signal(signum, signal.SIG_IGN)           # one unwinding: a second signal does not cut it short
    _PENDING.append(signum)
    raise Interrupted(signum)


def signal_pending() -> list[int]:
    """The signals whose Interrupted was raised in this process (swallowed, when still running)."""
    return _PENDING


def _checked(frames):
    """The frames, raising Interrupted at the next frame if a signal's exception was swallowed."""
    for frame in frames:
        if _PENDING:
            raise Interrupted(_PENDING[0])
        yield frame


@contextmanager
def interruptible(*signums: int):
    """Inside the block, SIGTERM (and any other `signums`) raise Interrupted, as Ctrl-C raises KeyboardInterrupt."""
    _PENDING.clear()
    old = {n: signal.signal(n, raise_interrupted) for n in (signal.SIGTERM, *signums)}
    old_hook = sys.unraisablehook
    sys.unraisablehook = lambda u: None if isinstance(u.exc_value, Interrupted) else old_hook(u)   # swallowed: _PENDING
    try:
        yield
    finally:
        sys.unraisablehook = old_hook
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
    shared_with: tuple[str, ...] = ()           # other outputs (id/lang/platform) drawn from the same frames
    shared: Optional[str] = None                # how: "frames", "file" (one encode), "file, rate cap …"

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
    checked = check_script(script, langs, platforms, lines)
    tls = [build(script, lang, platform_for(name, True), lines[lang]) if draft else checked[(lang, name)]
           for lang in langs for name in platforms]
    return Prepared(script, draft, lines, tls)


OUT_HINT = "choose another output folder with -o"


def render_one(tl: Timeline, out: Path, draft: bool, on_frame: Optional[Tick] = None) -> Output:
    """One timeline → video with its soundtrack, cover, sidecars, published together: every file is
    written under a temporary name first, then all are renamed into place in the order written (the
    video first), or on any failure none is and the earlier set stays as it was."""
    return render_group([tl], out, draft, on_frame)[0]


# Platform fields that shape the encoded file but never a frame; every other field (size, fps, safe
# area, and any field added later) counts as frame-shaping, so an unknown field never merges outputs.
NOT_FRAME = ("name", "label", "max_duration", "min_duration", "max_size_mb", "maxrate", "bufsize", "crf", "profile",
             "pix_fmt", "audio_codec", "audio_rate", "audio_bitrate", "loudness", "true_peak")
RATE_CAPS = ("maxrate", "bufsize")


def frame_platform(p: Platform) -> Platform:
    """`p` with only its frame-shaping facts: two platforms equal under this draw the same frames."""
    return replace(p, **{f: None for f in NOT_FRAME if f in {x.name for x in fields(p)}})


def frame_key(tl: Timeline) -> Timeline:
    """What draws the frames: timelines equal under this give identical frames (same size, fps, safe area,
    layout, content and times)."""
    return replace(tl, platform=frame_platform(tl.platform))


def encode_key(tl: Timeline, draft: bool) -> tuple:
    """Every encoder and soundtrack setting but the rate caps: equal keys and equal caps give equal files."""
    p = replace(tl.platform, maxrate="", bufsize="")
    return (tuple(video_args(p, draft)), tuple(audio_args(p)), p.loudness, p.true_peak, round(tl.duration, 6))


def strictest(ps: list[Platform]) -> tuple[str, str]:
    """The lowest max rate and buffer among `ps` (a stream under them meets every one's cap)."""
    return min((p.maxrate for p in ps), key=rate), min((p.bufsize for p in ps), key=rate)


def groups(tls: list[Timeline], draft: bool) -> list[list[list[Timeline]]]:
    """The timelines as frame groups (identical frames: drawn once), each a list of encode groups (same
    settings but maybe the rate caps: encoded once), in the order first asked for."""
    frames: list[tuple[Timeline, list[list[Timeline]]]] = []
    for tl in tls:
        fk = frame_key(tl)
        group = next((g for k, g in frames if k == fk), None)
        if group is None:
            frames.append((fk, [[tl]]))
            continue
        ek = encode_key(tl, draft)
        enc = next((e for e in group if encode_key(e[0], draft) == ek), None)
        if enc is None:
            group.append([tl])
        else:
            enc.append(tl)
    return [g for _, g in frames]


def _link(src: Path, dst: Path) -> None:
    """`dst` (a staged temporary name) becomes the same content as `src`: a hard link, or a copy."""
    os.unlink(dst)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _merged_ok(video: Path, tl: Timeline, draft: bool) -> bool:
    """Does `video`, encoded under stricter rate caps, meet `tl`'s platform profile (`reelforge check`)?"""
    from .check import check
    return check(video, registry()[tl.platform.name], draft).ok


def render_group(tls: list[Timeline], out: Path, draft: bool, on_frame: Optional[Tick] = None) -> list[Output]:
    """Timelines with identical frames (see `groups`): drawn once, encoded once per distinct encoder setting,
    each file written to every output that shares it (hard link or copy) with its cover and sidecars; all
    published together, atomically. An output whose rate cap was merged is checked against its own
    profile and rendered on its own if the shared file does not meet it."""
    start = time.perf_counter()
    encodes = groups(tls, draft)
    assert len(encodes) == 1, "render_group takes timelines with identical frames"
    encodes = encodes[0]
    lead = tls[0]

    def paths(tl):
        folder = out / tl.script.id / tl.lang
        return folder, folder / f"{tl.platform.name}.mp4", folder / f"{tl.platform.name}.jpg"

    comp = None
    alone: list[Timeline] = []
    made: list[tuple[Timeline, list[Path], int, bool]] = []     # (timeline, files, encode index, caps merged)
    try:
        with staged(OUT_HINT) as files:
            jobs, names = [], []
            for members in encodes:
                folder, video, _ = paths(members[0])
                maxrate, bufsize = strictest([m.platform for m in members])
                p = replace(members[0].platform, maxrate=maxrate, bufsize=bufsize)
                audio = soundtrack(members[0], files.scratch(folder / "mix.wav"),
                                   files.scratch(folder / "mix-normalised.wav"))
                # encoded under a scratch name, then linked to each output that takes it
                jobs.append((p, files.scratch(video) if len(members) > 1 else files.path(video), audio))
                names.append(video)
            convert = converter(p for p, _, _ in jobs)      # shared: transition frames are made in YUV
            comp = Compositor(lead, convert=convert)
            encode_many(_checked(comp.frames()), jobs, lead.duration, draft=draft, on_frame=on_frame, names=names,
                        convert=convert)
            cover_tmp = None
            for e, ((p, tmp, _), members) in enumerate(zip(jobs, encodes)):
                for tl in members:
                    folder, video, cover = paths(tl)
                    capped = (tl.platform.maxrate, tl.platform.bufsize) != (p.maxrate, p.bufsize)
                    if capped and not _merged_ok(tmp, tl, draft):
                        alone.append(tl)
                        continue
                    if len(members) > 1:
                        _link(tmp, files.path(video))
                    if cover_tmp is None:
                        write_jpeg(comp.frame_at(cover_time(lead)), cover, staging=files)
                        cover_tmp = files.pairs[-1][0]
                    else:
                        _link(cover_tmp, files.path(cover))
                    sidecars = write_sidecars(tl, folder, staging=files)
                    made.append((tl, [video, cover, *sidecars], e, capped))
    finally:
        if comp is not None:
            comp.close()
    seconds = time.perf_counter() - start
    name = {id(tl): f"{tl.script.id}/{tl.lang}/{tl.platform.name}" for tl, *_ in made}
    outputs = []
    for tl, paths_, e, capped in made:
        others = tuple(name[id(o)] for o, *_ in made if o is not tl)
        same_file = any(f == e for o, _, f, _ in made if o is not tl)
        how = None
        if others:
            how = "file" if same_file else "frames"
            if capped:
                how += f" (encoded under the stricter rate cap {jobs[e][0].maxrate}/{jobs[e][0].bufsize}, checked)"
        outputs.append(Output(script=display(tl.script.path), id=tl.script.id, lang=tl.lang, platform=tl.platform.name,
                              video=paths_[0], cover=paths_[1], files=paths_, duration=tl.duration, seconds=seconds,
                              scenes=[SceneSpan(st.scene.id, st.start, st.end) for st in tl.scenes],
                              timing={st.scene.id: st.line.timed for st in tl.scenes if st.line},
                              key=content_key(tl.script, tl.lang, tl.platform.name, draft),
                              shared_with=others, shared=how))
    for tl in alone:
        outputs += render_group([tl], out, draft, on_frame)
    return outputs


def render_outputs(job: Prepared, out: Path, *,
                   progress: Optional[Callable[[Timeline], ContextManager[Optional[Tick]]]] = None,
                   on_output: Optional[Callable[[Output], None]] = None) -> list[Output]:
    """Render every prepared timeline; timelines with identical frames are drawn once and, where the
    encoder settings allow, encoded once (see `render_group`). `progress(tl)` may give a per-frame
    callback for one render."""
    outputs = []
    order = {id(tl): k for k, tl in enumerate(job.timelines)}
    for group in groups(list(job.timelines), job.draft):
        tls = [tl for enc in group for tl in enc]
        with progress(tls[0]) if progress else nullcontext() as tick:
            made = render_group(tls, out, job.draft, on_frame=tick)
        for o in made:
            outputs.append(o)
            if on_output:
                on_output(o)
    by_name = {f"{tl.script.id}/{tl.lang}/{tl.platform.name}": order[id(tl)] for tl in job.timelines}
    return sorted(outputs, key=lambda o: by_name.get(o.name, 0))
