"""Environment checks for `reelforge doctor`: each says what it found and what to do about it."""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont, __version__ as pillow_version, features

from . import registry
from .config.brand import load_brand
from .project import roots
from .registry import PluginError


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    remedy: str = ""
    required: bool = True


def check_python() -> Check:
    ok = sys.version_info >= (3, 10)
    return Check("python", ok, sys.version.split()[0], "install Python 3.10 or newer")


def check_raqm() -> Check:
    if features.check("raqm"):
        return Check("arabic text layout", True,
                     f"Pillow {pillow_version} with raqm {features.version('raqm')}, fribidi {features.version('fribidi')}, "
                     f"harfbuzz {features.version('harfbuzz')}")
    return Check("arabic text layout", False,
                 f"Pillow {pillow_version} has no raqm layout: its wheel loads libfribidi from the system at run time, "
                 "and without it Arabic would come out disconnected and reversed, so reelforge refuses to draw it",
                 "sudo apt-get install libfribidi0   (Fedora: dnf install fribidi; macOS: brew install fribidi)")


def check_ffmpeg() -> Check:
    try:
        from .ffmpeg import ffmpeg_exe, version
        return Check("ffmpeg", True, f"{version()} ({ffmpeg_exe()})")
    except Exception as exc:  # any failure here is the finding itself
        return Check("ffmpeg", False, f"imageio-ffmpeg's binary is not usable: {exc}",
                     "pip install --force-reinstall imageio-ffmpeg")


def check_espeak() -> Check:
    try:
        from .tts import espeak
        ok, detail = espeak.available()
    except Exception as exc:
        ok, detail = False, str(exc)
    return Check("offline speech (espeak-ng)", ok, detail, "pip install --force-reinstall espeakng-loader")


def check_whisper() -> Check:
    have_torch = importlib.util.find_spec("torch") is not None
    have_whisper = importlib.util.find_spec("whisper") is not None
    if have_torch and have_whisper:
        import torch
        return Check("whisper (optional)", True, f"openai-whisper with torch {torch.__version__}"
                     f" ({'CUDA' if torch.cuda.is_available() else 'CPU'})", required=False)
    return Check("whisper (optional)", False,
                 "not installed: subtitles for recorded or gTTS voices are timed by estimate",
                 'pip install torch==2.13.0 && pip install "reelforge[whisper]"   (pin torch first: an unpinned '
                 "torch pulls several GB of CUDA packages)", required=False)


def check_engines(project: Path) -> list[Check]:
    """A line per speech engine: its version, whether it speaks offline, what it needs; for piper, the
    voice models it can find (reelforge never downloads one)."""
    out = []
    for name in registry.TTS:
        try:
            engine = registry.TTS[name]
            found = engine.version()
        except PluginError:
            continue                                   # check_plugins reports it
        except Exception as exc:  # a missing package or a broken install is the finding itself
            found = f"missing ({type(exc).__name__}: {exc})"
        ok = "missing" not in found
        detail = f"{found}; " + ("offline" if getattr(engine, "offline", False) else "online")
        if name != "piper" and hasattr(engine, "needs"):
            detail += f"; {engine.needs()}"
        if name == "piper":
            from .tts.piper_engine import model_folders
            models = sorted({m.stem for folder in model_folders(project, None) for m in folder.glob("*.onnx")})
            detail += "; models: " + (", ".join(models) if models else "none found in voices/models/ or "
                                      "$REELFORGE_PIPER_MODELS")
        out.append(Check(f"speech engine '{name}'", ok, detail,
                         "install the package that provides it (see `reelforge voices`)", required=False))
    return out


def check_plugins() -> list[Check]:
    """A line per extension point naming its third-party plugins, and a finding per plugin that
    cannot be loaded."""
    out = []
    for reg in registry.ALL:
        broken = []
        for name in reg:
            try:
                reg[name]
            except PluginError as exc:
                fix = "reinstall reelforge" if reg.builtin(name) else f"reinstall or uninstall {reg.origin(name)}"
                broken.append(Check(f"plugin {reg.group} '{name}'", False, str(exc), fix, required=reg.builtin(name)))
        extra = [f"{name} ({reg.origin(name)})" for name in reg if not reg.builtin(name)]
        out.append(Check(f"plugins {reg.group}", True, f"{len(reg) - len(extra)} built-in; "
                         + ("third-party: " + ", ".join(extra) if extra else "no third-party plugins")))
        out += broken
    return out


def check_brand_fonts(project: Path) -> list[Check]:
    out = []
    seen = set()
    for root in roots(project):
        for kit in sorted((root / "brand").glob("*/brand.yaml")):
            if kit.parent.name in seen:
                continue
            seen.add(kit.parent.name)
            problems = []
            brand = load_brand(kit, kit.parent.name, problems)
            bad = [str(p) for p in problems]
            if brand:
                for script, files in brand.fonts.items():
                    for weight, f in files.items():
                        try:
                            ImageFont.truetype(str(f), 20)
                        except OSError as exc:
                            bad.append(f"{f}: {exc}")
                missing = [s for s in ("arabic", "latin", "tifinagh") if s not in brand.fonts]
                if missing:
                    bad.append(f"no font for {', '.join(missing)} text")
            out.append(Check(f"brand '{kit.parent.name}' fonts", not bad,
                             "; ".join(bad) if bad else ", ".join(f"{s}: {', '.join(p.name for p in fs.values())}"
                                                                  for s, fs in brand.fonts.items()),
                             f"fix {kit} (run `reelforge validate` on a script using it)"))
    return out


def run(project: Path) -> list[Check]:
    return [check_python(), check_raqm(), check_ffmpeg(), check_espeak(), check_whisper(), *check_engines(project),
            *check_plugins(),
            *check_brand_fonts(project)]
