"""The `reelforge` command. Thin: parse options, call the pipeline, turn typed errors into exit codes.

Exit codes: 0 success; 1 a render or check failed; 2 invalid input or usage.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .checks import check_inputs, check_script, rhythm_notes
from .config.jsonschema import KINDS, schema
from .encode import atomic_path, check_writable, write_atomic
from .errors import Problem, ReelforgeError, RenderError, did_you_mean, display
from .load import load_brand, load_script, load_voice
from .pipeline import OUT_HINT, Interrupted, interruptible, prepare, render_outputs, signal_pending
from .platforms import registry
from .preview import frame_of, png_bytes, sheet_of
from .project import PACKAGED, candidates, known, project_of
from .registry import TTS, PluginError
from .speech import SpeechCache, engine_of, speaks_offline, synthesized_line, voice_lines
from .text import DRAWN
from .tts import SpeechError


class Group(click.Group):
    """One error boundary: user mistakes are one line each; anything unexpected is not a traceback
    unless --debug asks for one."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except PluginError as exc:      # a third-party plugin that cannot load: one line, not a traceback
            if ctx.meta.get("debug"):
                raise
            raise click.ClickException(str(exc)) from exc
        except Exception as exc:  # the boundary: report, don't dump
            if isinstance(exc, BrokenPipeError) and _reader_gone(sys.stdout):
                # `reelforge ... | head -1`: whoever read the output has stopped; end quietly, as a
                # command killed by SIGPIPE would (nothing more is written to the closed pipe at exit)
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                sys.exit(141)
            if ctx.meta.get("debug"):
                raise
            raise click.ClickException(f"internal error: {type(exc).__name__}: {exc} "
                                       "(run with --debug for the traceback, and please report it)") from exc


def _reader_gone(stream) -> bool:
    """Whether `stream` is a pipe whose reading end is closed."""
    import select
    try:
        fd = stream.fileno()
    except (AttributeError, ValueError, OSError):
        return False
    poll = select.poll()
    poll.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poll.poll(0))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reelforge")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def main(ctx, debug):
    """Turn YAML scripts into branded Reels and Shorts with Arabic and French voiceover and subtitles."""
    ctx.meta["debug"] = debug


def load_all(scripts, brand=None, template=None):
    """Load every script; gather the problems of all of them before failing."""
    loaded, problems, ids = [], [], {}
    for path in scripts:
        try:
            loaded.append(load_script(path, brand, template))
            if len(scripts) > 1:            # only scripts together can share an id
                from .build import same_id
                same_id(loaded[-1], ids)
            check_inputs(loaded[-1])
        except ReelforgeError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ReelforgeError(problems)
    return loaded


@main.command()
@click.argument("scripts", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(scripts):
    """Load and check scripts with their template, brand, voices and assets; render nothing."""
    loaded, problems = load_all(scripts), []
    for script in loaded:
        try:
            check_script(script, script.languages, script.platforms)
        except ReelforgeError as exc:
            problems += exc.problems
    if problems:
        raise ReelforgeError(problems)
    for script in loaded:
        click.echo(f"{display(script.path)}: ok — {len(script.scenes)} scenes, "
                   f"languages {', '.join(script.languages)}, platforms {', '.join(script.platforms)}")


def pick(script, wanted, available, what):
    """The languages/platforms asked for on the command line, or all those the script names."""
    if not wanted:
        return list(available)
    missing = [w for w in wanted if w not in available]
    if missing:
        raise ReelforgeError([Problem(display(script.path), 1, 1, what,
                                      f"the script has no {what[:-1]} '{m}'; it has: {', '.join(available)}")
                              for m in missing])
    return [w for w in available if w in wanted]


def progress(total: int, label: str):
    """A bar on a terminal; plain lines in CI or when piped."""
    import os
    if sys.stderr.isatty() and not os.environ.get("CI"):
        return click.progressbar(length=total, label=label, file=sys.stderr)
    return _PlainProgress(total, label)


class _PlainProgress:
    def __init__(self, total, label):
        self.total, self.label, self.done, self.next = total, label, 0, 0

    def __enter__(self):
        click.echo(f"{self.label} ...", err=True)
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        self.done += n
        if self.done * 4 >= self.next * self.total:
            self.next += 1
            click.echo(f"{self.label} {100 * self.done // max(1, self.total)}%", err=True)


@contextmanager
def frame_progress(tl):
    """Progress of one video's frames; yields the per-frame callback."""
    with progress(round(tl.duration * tl.platform.fps), f"{tl.script.id} {tl.lang} {tl.platform.name}") as bar:
        yield lambda: bar.update(1)


@main.command()
@click.argument("scripts", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-l", "--lang", "langs", multiple=True, help="Only these languages (repeatable).")
@click.option("-p", "--platform", "plats", multiple=True, help="Only these platforms (repeatable).")
@click.option("-o", "--out", default="out", type=click.Path(file_okay=False, path_type=Path), show_default=True)
@click.option("--draft", is_flag=True, help="Half size, fast encoder preset: for quick checks.")
@click.option("--no-cache", is_flag=True, help="Synthesise every voice line again.")
@click.option("--brand", "brand_name", help="Render under another brand kit (the scenes stay the same).")
@click.option("--template", "template_name", help="Use another template (the scenes stay the same).")
@click.option("--whisper-model", help="Whisper model (name in whisper's cache, or a checkpoint) to time recorded "
              "and online voices; default: the voice profile's `model`, then $REELFORGE_WHISPER_MODEL.")
def render(scripts, langs, plats, out, draft, no_cache, whisper_model, brand_name, template_name):
    """Render videos: every language × platform the script names, into OUT/<id>/<lang>/<platform>.mp4."""
    from .lint import config as lint_config
    from .manifest import write_script_manifests
    with exit_on_interrupt("interrupted: finished videos are kept, no half files"):
        cache = SpeechCache(enabled=not no_cache)
        jobs = []
        for script in load_all(scripts, brand_name, template_name):   # every script checked before any render
            ls, ps = pick(script, langs, script.languages, "languages"), pick(script, plats, script.platforms, "platforms")
            job = prepare(script, ls, ps, draft=draft, cache=cache, whisper_model=whisper_model)
            for note in rhythm_notes(script, job.lines, lint_config(script)[0]["rhythm_share"]):
                click.echo(f"note: {note}", err=True)
            jobs.append(job)
        check_writable(out, OUT_HINT)
        for job in jobs:
            outputs = render_outputs(job, out, progress=frame_progress, on_output=lambda o: click.echo(
                f"{display(o.video)}  {o.duration:.1f} s  rendered in {o.seconds:.1f} s"))
            for path in write_script_manifests(out, outputs):
                click.echo(display(path))


@contextmanager
def exit_on_interrupt(message: str):
    """Ctrl-C or SIGTERM inside the block: `message` on stderr and exit 130 / 143. Unwinding has already
    removed the temporary files and stopped ffmpeg and any workers. A signal whose exception was swallowed
    (raised in a finaliser) still ends it so, not as the block's own result: a build whose workers' ffmpeg
    died of the same Ctrl-C would otherwise report them failed and exit 1."""
    try:
        with interruptible(signal.SIGINT):
            try:
                yield
            finally:
                if signal_pending():
                    raise Interrupted(signal_pending()[0])
    except KeyboardInterrupt as exc:
        click.echo(message, err=True)
        sys.exit(getattr(exc, "code", 130))


@main.command()
@click.argument("script", type=click.Path(path_type=Path))
@click.option("--at", "at", type=float, help="Time in seconds of the frame to show.")
@click.option("--sheet", is_flag=True, help="A contact sheet of every scene's key frame.")
@click.option("-l", "--lang", "lang", help="Language (default: the script's first).")
@click.option("-p", "--platform", "plat", help="Platform (default: the script's first).")
@click.option("-o", "--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--brand", "brand_name", help="Render under another brand kit (the scenes stay the same).")
@click.option("--template", "template_name", help="Use another template (the scenes stay the same).")
def preview(script, at, sheet, lang, plat, target, brand_name, template_name):
    """Write one frame (--at SECONDS) or a contact sheet of every scene (--sheet) as PNG."""
    if sheet == (at is not None):
        raise click.UsageError("give exactly one of --at SECONDS or --sheet")
    if target.suffix.lower() != ".png":
        raise click.UsageError(f"{target}: the preview is a PNG; name it *.png")
    s = load_all([script], brand_name, template_name)[0]
    lang = pick(s, [lang] if lang else [], s.languages, "languages")[0]
    plat = pick(s, [plat] if plat else [], s.platforms, "platforms")[0]
    DRAWN.keep = True           # text blocks remembered: the next preview reads what did not change
    # an offline voice's real lines (cached after the first time), so times match the render
    lines = voice_lines(s, lang, SpeechCache()) if speaks_offline(s, lang) else None
    tl = check_script(s, [lang], [plat], {lang: lines} if lines else None)[(lang, plat)]
    img = sheet_of(tl) if sheet else frame_of(tl, at)
    write_atomic(target, png_bytes(img))
    w, h = img.size if sheet else (img.shape[1], img.shape[0])
    click.echo(f"{display(target)}  {w}×{h}")


@main.command()
@click.argument("project", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port (default: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
def studio(project, port, host, open_browser):
    """A live preview in the browser: frame at the playhead, timeline, contact sheet, validation and lint,
    refreshed as files are saved; draft and final renders played in the page."""
    from .studio import serve
    serve(project, host, port, open_browser)


@main.command()
@click.argument("media", type=click.Path(path_type=Path))
@click.option("-l", "--lang", "lang", help="Language of the speech (default: detected).")
@click.option("--script", "script_text", help="The known text (or a text file): align it instead of transcribing.")
@click.option("--model", "model", help="Whisper model name (from whisper's cache) or checkpoint path; "
              "default $REELFORGE_WHISPER_MODEL.")
@click.option("-o", "--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="Subtitle file to write: .srt or .vtt (default: MEDIA with .srt).")
@click.option("--burn", "burn_to", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a copy of the video with the captions burned in.")
@click.option("--brand", "brand_name", default="demo", show_default=True, help="Brand kit for --burn.")
def subtitle(media, lang, script_text, model, target, burn_to, brand_name):
    """Auto-subtitles for any audio or video with whisper (or align a known --script)."""
    from .align import model_source
    from .subtitle import burn, events_for, write
    if not media.is_file():
        raise ReelforgeError([Problem(display(media), 1, 1, "", "file not found")])
    target = target or media.with_suffix(".srt")
    if target.suffix.lower() not in (".srt", ".vtt"):
        raise click.UsageError(f"{target}: write .srt or .vtt")
    source = model_source(model)
    if not source:
        raise ReelforgeError([Problem(display(media), 1, 1, "--model", "no whisper model: pass --model NAME|PATH "
                                      "or set REELFORGE_WHISPER_MODEL (models are not downloaded by reelforge)")])
    if script_text and Path(script_text).is_file():
        script_text = Path(script_text).read_text("utf-8")
    events, lang, wer = events_for(media, lang, script_text, source)
    write(events, target, lang)
    click.echo(f"{display(target)}  {len(events)} captions ({lang})" + (f", word error rate {100 * wer:.0f}%" if wer is not None else ""))
    if burn_to:
        root = _project(".")
        path = next((p for p in candidates("brand", brand_name, root) if p.is_file()), None)
        if path is None:
            raise ReelforgeError([Problem("--brand", 1, 1, "", f"unknown brand '{brand_name}'; known: {', '.join(known('brand', root))}")])
        problems: list[Problem] = []
        brand = load_brand(path, brand_name, problems)
        if brand is None or problems:
            raise ReelforgeError(problems)
        burn(media, events, brand, lang, burn_to)
        click.echo(f"{display(burn_to)}")


@main.command()
@click.argument("scripts", nargs=-1, required=True, type=click.Path(path_type=Path))
def lint(scripts):
    """Brand and accessibility rules: contrast on rendered pixels, safe areas, caption reading speed,
    palette, logo clear space, legible sizes, end card, platform limits. Exit 1 on any finding."""
    from .lint import lint as run_lint
    cache, findings = SpeechCache(), []
    for script in load_all(scripts):
        spoken = [lang for lang in script.languages if speaks_offline(script, lang)]
        lines = {lang: voice_lines(script, lang, cache) for lang in spoken}
        found = run_lint(script, lines)
        findings += found
        if not found:
            click.echo(f"{display(script.path)}: lint clean")
    for f in findings:
        click.echo(str(f))
    sys.exit(1 if findings else 0)


@main.group()
def brand():
    """Brand kit tools."""


@brand.command("sheet")
@click.argument("name")
@click.option("-o", "--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--project", "project", default=".", type=click.Path(file_okay=False, path_type=Path))
def brand_sheet(name, target, project):
    """The identity board of a brand kit: palette and contrast pairs, fonts in Arabic, French and
    Tifinagh, logo variants with their clear space, caption styles."""
    from .board import board
    root = _project(project)
    path = next((p for p in candidates("brand", name, root) if p.is_file()), None)
    if path is None:
        raise ReelforgeError([Problem(name, 1, 1, "", f"unknown brand; known: {', '.join(known('brand', root))}")])
    problems: list[Problem] = []
    kit = load_brand(path, name, problems)
    if kit is None or problems:
        raise ReelforgeError(problems)
    if target.suffix.lower() != ".png":
        raise click.UsageError(f"{target}: the board is a PNG; name it *.png")
    img = board(kit)
    with atomic_path(target) as tmp:
        img.save(tmp, "PNG")
    click.echo(f"{display(target)}  {img.width}×{img.height}")


@main.command("check")
@click.argument("videos", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-p", "--platform", "plat", required=True, help="Platform profile to check against.")
@click.option("--draft", is_flag=True, help="The files are draft renders (half size).")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
def check_cmd(videos, plat, draft, as_json):
    """Verify files against a platform profile: size, fps, codecs, pixel format, duration, file size,
    loudness, true peak, faststart. Exit 1 if any file fails."""
    from .check import check as check_file
    import json

    if plat not in registry():
        raise ReelforgeError([Problem("--platform", 1, 1, "", f"unknown platform '{plat}'; {did_you_mean(plat, registry())}")])
    missing = [Problem(display(v), 1, 1, "", "file not found") for v in videos if not v.is_file()]
    if missing:
        raise ReelforgeError(missing)
    reports = [check_file(v, registry()[plat], draft) for v in videos]
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in reports], indent=2))
    else:
        for r in reports:
            click.echo(f"{display(r.file)}: {plat}: " + ("ok" if r.ok else "; ".join(r.problems)))
    sys.exit(0 if all(r.ok for r in reports) else 1)


def parse_shard(value):
    if value is None:
        return None
    m = re.fullmatch(r"(\d+)/(\d+)", value)
    if not m or not 1 <= int(m[1]) <= int(m[2]):
        raise click.UsageError(f"--shard {value}: write I/N with 1 ≤ I ≤ N, e.g. 2/4")
    return int(m[1]), int(m[2])


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", default="out", show_default=True,
              help="Output folder, or an fsspec URL (s3://bucket/campaign; needs the `cluster` extra).")
@click.option("--jobs", "workers", type=int, help="Local worker processes (default: the number of cores).")
@click.option("--shard", help="I/N: render only this stable share of the outputs (CI matrix jobs).")
@click.option("--scheduler", help="Address of a Dask distributed scheduler (tcp://host:8786).")
@click.option("--retries", type=click.IntRange(0), default=2, show_default=True,
              help="How many times a job whose worker died (killed, out of memory) is run again: in a new "
                   "local pool, or elsewhere on the --scheduler cluster.")
@click.option("--draft", is_flag=True, help="Half size, fast preset.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
def build(paths, out, workers, shard, scheduler, retries, draft, as_json):
    """Render every script under PATH (default: .), only what changed; manifest + HTML report."""
    from .build import Failure, default_jobs, execute, plan, up_to_date, write_reports
    from . import storage
    remote = storage.is_url(out)
    if not remote and Path(out).exists() and not Path(out).is_dir():
        raise click.BadParameter(f"'{out}' is a file; give a folder or an fsspec URL", param_hint="'-o' / '--out'")
    out = out if remote else Path(out).resolve()
    if remote:
        try:
            dest = storage.target(out, OUT_HINT)
        except (ImportError, ValueError) as exc:
            raise click.UsageError(f"-o {out}: {exc} (an fsspec URL needs `pip install \"reelforge[cluster]\"` and "
                                   "the filesystem's own package, e.g. s3fs)")
    started = time.perf_counter()
    jobs, failures = plan(list(paths) or [Path(".")], draft, parse_shard(shard))
    dest.check_writable() if remote else check_writable(out, OUT_HINT)
    todo = [j for j in jobs if not up_to_date(out, j)]
    skipped = [j for j in jobs if j not in todo]
    say = (lambda m: click.echo(m, err=True)) if as_json else click.echo
    say(f"{len(jobs)} outputs, {len(skipped)} up to date, {len(todo)} to render"
        + (f", {len(failures)} scripts invalid" if failures else ""))
    retried: list[dict] = []

    def on_retry(name, ws):
        retried.append({"name": name, "workers": ws})
        say(f"RETRIED {name}: run {len(ws)} times, on {', '.join(ws)} (the earlier workers died)")
    with progress(max(1, len(todo)), "build") as bar:
        def done(r):
            bar.update(1)
            if isinstance(r, Failure):
                say(f"FAILED {r.name}: {r.error.splitlines()[0]}")
        with exit_on_interrupt("interrupted: finished outputs are kept, no half files; run the build again to resume"):
            results = execute(todo, out, workers or default_jobs(), scheduler, done, retries=retries, on_retry=on_retry)
    write_reports(out, results + failures, retried)
    failed = [r for r in results + failures if isinstance(r, Failure)]
    report = f"{out}/index.html" if remote else str(out / "index.html")
    summary = {"outputs": len(jobs), "rendered": sorted(r.name for r in results if not isinstance(r, Failure)),
               "skipped": len(skipped), "failed": [{"name": f.name, "error": f.error} for f in failed],
               "retried": retried, "seconds": round(time.perf_counter() - started, 2), "report": report}
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        say(f"rendered {len(summary['rendered'])}, skipped {len(skipped)}, failed {len(failed)} in {summary['seconds']} s;"
            f" report: {report if remote else display(report)}")
        for f in failed:
            say(f"  {f.name}: {f.error}")
    sys.exit(1 if failed else 0)


@main.command()
def platforms():
    """List the platform profiles."""
    click.echo(f"{'name':16} {'size':>10} {'fps':>4} {'aspect':>6} {'max s':>6}  safe area (x0,y0-x1,y1)  label")
    for p in registry().values():
        x0, y0, x1, y1 = p.safe_box
        click.echo(f"{p.name:16} {p.width:>4}×{p.height:<5} {p.fps:>4} {p.aspect:>6} {p.max_duration:>6g}  "
                   f"{x0},{y0}-{x1},{y1}".ljust(70) + f"  {p.label}")


def _project(path):
    return project_of(Path(path) / "x.yaml")


@main.group(invoke_without_command=True)
@click.option("--project", "project", default=".", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder (default: the current folder).")
@click.pass_context
def voices(ctx, project):
    """List the speech engines installed (built-in or the plugin's distribution), then the voice
    profiles of the project and of the package. `voices say` auditions one."""
    if ctx.invoked_subcommand is not None:
        return
    root = _project(project)
    click.echo("engines:")
    for name in TTS:
        try:
            engine = TTS[name]
            kind = "offline" if getattr(engine, "offline", False) else "online"
            needs = getattr(engine, "needs", lambda: "")()
            kind += f"; {needs}" if needs else ""
            kind += f"; word times: {ENGINE_TIMING.get(name) or getattr(engine, 'timing', None) or 'engine or estimate'}"
        except PluginError as exc:
            kind = f"BROKEN: {exc}"
        click.echo(f"  {name:12} {TTS.origin(name)}  ({kind})")
    click.echo("voices:")
    for name in known("voice", root):
        path = next(p for p in candidates("voice", name, root) if p.is_file())
        problems: list[Problem] = []
        v = load_voice(path, name, root, problems)
        desc = (f"{v.engine:9} {v.language:4} {profile_needs(v)}; {dict(v.options)}" if v
                else f"INVALID: {problems[0]}")
        click.echo(f"  {name:14} {desc}  ({display(path)})")


ENGINE_TIMING = {      # where each built-in engine's word times come from (a plugin may set `timing`)
    "espeak": "exact (espeak-ng word events)",
    "edge": "exact (the service's word boundaries)",
    "piper": "exact (phoneme alignments), else whisper if configured, else estimated",
    "gtts": "whisper if configured, else estimated",
    "recorded": "whisper if configured, else estimated",
}


def profile_needs(voice) -> str:
    """What a profile needs to speak, and where its word times will come from."""
    from .align import model_source
    engine = TTS.get(voice.engine)
    online = not getattr(engine, "offline", False)
    out = ["online" if online else "offline"]
    if voice.engine == "piper":
        out.append(f"model {Path(str(voice.options['model'])).name} present")
        aligned = getattr(engine, "aligned", lambda: False)()
    else:
        aligned = voice.engine in ("espeak", "edge")
    option = getattr(engine, "whisper_option", "model")
    whisper = model_source(None, voice.options.get(option))
    timing = "exact" if aligned else ("whisper" if whisper else "estimated")
    return ", ".join(out) + f"; word times {timing}"


@voices.command("say")
@click.argument("profile")
@click.argument("text")
@click.option("-o", "--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The WAV file to write.")
@click.option("--brand", "brand_name", help="Apply this brand kit's pronunciation lexicon (`pronounce:`).")
@click.option("--project", "project", default=".", type=click.Path(file_okay=False, path_type=Path))
def voices_say(profile, text, target, brand_name, project):
    """Audition a voice profile (and a kit's pronunciation lexicon) without rendering: speak TEXT to a WAV."""
    from .spoken import sentences
    root = _project(project)
    problems: list[Problem] = []
    path = next((p for p in candidates("voice", profile, root) if p.is_file()), None)
    if path is None:
        raise ReelforgeError([Problem("voices", 1, 1, "say", f"unknown voice profile '{profile}'; "
                                      f"{did_you_mean(profile, known('voice', root))}")])
    voice = load_voice(path, profile, root, problems)
    kit = None
    if brand_name:
        kit_path = next((p for p in candidates("brand", brand_name, root) if p.is_file()), None)
        if kit_path is None:
            raise ReelforgeError([Problem("brand", 1, 1, "--brand", f"unknown brand kit '{brand_name}'; "
                                          f"{did_you_mean(brand_name, known('brand', root))}")])
        kit = load_brand(kit_path, brand_name, problems)
    if problems or voice is None:
        raise ReelforgeError(problems)
    lexicon = {w: said[voice.language] for w, said in (kit.pronounce if kit else {}).items() if voice.language in said}
    try:
        engine = engine_of(voice)
        if not hasattr(engine, "synthesize"):
            raise SpeechError(f"engine '{voice.engine}' plays recordings; it cannot say a new text")
        line = synthesized_line(engine, voice, text, voice.language, SpeechCache(), lexicon)
    except SpeechError as exc:
        raise RenderError(f"{display(path)}:1:1: say: {exc}") from None
    with atomic_path(target) as tmp:
        shutil.copyfile(line.audio, tmp)
    said = " / ".join(" ".join(f"[{lang}] {run}" if lang else run for lang, run in s.runs())
                      for s in sentences(text, voice.language, lexicon))
    click.echo(f"{display(target)}: {line.duration:.2f} s, {voice.name} ({voice.engine}, {voice.language}) said: {said}")


@main.command()
@click.option("--project", "project", default=".", type=click.Path(file_okay=False, path_type=Path))
def brands(project):
    """List the brand kits of the project and of the package."""
    root = _project(project)
    for name in known("brand", root):
        path = next(p for p in candidates("brand", name, root) if p.is_file())
        problems: list[Problem] = []
        b = load_brand(path, name, problems)
        desc = (f"{b.name} — colours {', '.join(b.colors)}; styles {', '.join(b.styles)}" if b
                else f"INVALID: {problems[0]}")
        click.echo(f"{name:10} {desc}  ({display(path.parent)})")


@main.command()
@click.option("--project", "project", default=".", type=click.Path(file_okay=False, path_type=Path))
def doctor(project):
    """Check the environment: Arabic text layout, ffmpeg, speech engines, whisper, brand fonts."""
    from .doctor import run as run_doctor
    failed = False
    for c in run_doctor(_project(project)):
        mark = "ok  " if c.ok else ("FAIL" if c.required else "--  ")
        click.echo(f"[{mark}] {c.name}: {c.detail}")
        if not c.ok:
            click.echo(f"       fix: {c.remedy}")
            failed |= c.required
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder):
    """Scaffold a new project: a script, the explainer template, the demo brand kit and offline voices."""
    if folder.exists() and any(folder.iterdir()):
        raise ReelforgeError([Problem(display(folder), 1, 1, "", "folder is not empty; choose a new folder")])
    brand = next(p for p in candidates("brand", "demo", PACKAGED) if p.is_file()).parent
    template = next(p for p in candidates("template", "explainer", PACKAGED) if p.is_file())
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(brand, folder / "brand" / "demo")
    (folder / "templates").mkdir()
    shutil.copy2(template, folder / "templates" / "explainer.yaml")
    (folder / "voices").mkdir()
    for name in ("ar-offline", "fr-offline"):
        shutil.copy2(next(p for p in candidates("voice", name, PACKAGED) if p.is_file()), folder / "voices")
    (folder / "scripts").mkdir()
    (folder / "scripts" / "hello.yaml").write_text(SCAFFOLD, encoding="utf-8")
    write_schemas(folder)
    click.echo(f"created {display(folder)}: scripts/hello.yaml, templates/explainer.yaml, brand/demo, voices/, "
               "schemas/ (editors autocomplete and check each file against them)")
    click.echo(f"next: reelforge validate {display(folder / 'scripts' / 'hello.yaml')}")


def write_schemas(folder: Path) -> None:
    """schemas/<kind>.json, and the `# yaml-language-server: $schema=...` line at the top of each file,
    which VS Code's YAML extension and JetBrains IDEs follow."""
    (folder / "schemas").mkdir()
    for kind in KINDS:
        (folder / "schemas" / f"{kind}.json").write_text(json.dumps(schema(kind), indent=2) + "\n", "utf-8")
    files = {"script": folder.glob("scripts/*.yaml"), "template": folder.glob("templates/*.yaml"),
             "brand": folder.glob("brand/*/brand.yaml"), "voice": folder.glob("voices/*.yaml")}
    for kind, paths in files.items():
        for path in paths:
            rel = os.path.relpath(folder / "schemas" / f"{kind}.json", path.parent)
            path.write_text(f"# yaml-language-server: $schema={rel}\n" + path.read_text("utf-8"), "utf-8")


@main.command("schema")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("-o", "--out", "target", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
def schema_cmd(kind, target):
    """The JSON Schema of a file kind (script, template, brand, voice), plugins included, for editors."""
    text = json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"
    if target is None:
        click.echo(text, nl=False)
        return
    with atomic_path(target) as tmp:
        tmp.write_text(text, "utf-8")
    click.echo(f"{display(target)}")


SCAFFOLD = """\
reelforge: 1
title: {ar: "مرحبا", fr: "Bonjour"}
brand: demo
template: explainer
languages: [ar, fr]
platforms: [reels]
voice: {ar: ar-offline, fr: fr-offline}
subtitles: {burn: true, style: karaoke, sidecar: [srt, vtt]}
vars: {site: "example.ma"}
scenes:
  - id: hook
    layout: title
    text: {ar: "مرحبا بكم", fr: "Bienvenue"}
    say: {ar: "مرحبا بكم في مشروعكم الجديد.", fr: "Bienvenue dans votre nouveau projet."}
  - id: end
    layout: end
    text: {ar: "شكرا", fr: "Merci"}
    subtext: "{site}"
    say: {ar: "شكرا على المتابعة.", fr: "Merci de votre attention."}
"""


if __name__ == "__main__":
    main()
