"""`engine: recorded`: voice actors' takes, one file per scene and language in a folder."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..config.checks import audio_problem
from ..config.options import File, Schema, Str
from ..errors import Problem, display
from ..project import inside
from . import SpeechError

EXTENSIONS = (".wav", ".mp3", ".m4a", ".flac", ".ogg")


def find_recording(folder: Path, scene_id: str, lang: str) -> Optional[Path]:
    """<scene>.<lang>.ext, <lang>/<scene>.ext or <scene>.ext in the folder, whichever exists first."""
    for stem in (f"{scene_id}.{lang}", f"{lang}/{scene_id}", scene_id):
        for ext in EXTENSIONS:
            if (folder / f"{stem}{ext}").is_file():
                return folder / f"{stem}{ext}"
    return None


class RecordedEngine:
    name = "recorded"
    offline = True
    options = Schema({
        "folder": File(folder=True, help="one file per scene and language: <scene>.<lang>.wav|mp3|m4a"),
        "model": Str(None, help="whisper model (name or checkpoint) that times the words"),
    })

    def version(self) -> str:
        return "recorded"

    def scene_audio(self, voice, scene, lang: str) -> tuple[Path, None]:
        """The scene's take; its words are timed later (whisper, or an estimate)."""
        path = find_recording(Path(voice.options["folder"]), scene.id, lang)
        if path is None:
            raise SpeechError(f"no recording in {display(voice.options['folder'])}")
        return path, None

    def problems(self, voice, script, lang: str) -> list[Problem]:
        """Every spoken scene without a take, or whose take ffmpeg cannot decode, each located at its scene."""
        folder = Path(voice.options["folder"])
        if not folder.is_dir():
            return []           # the loader already reported the folder
        out = []
        for i, scene in enumerate(script.scenes):
            if not (scene.say and scene.say.get(lang, "").strip()):
                continue
            take = find_recording(folder, scene.id, lang)
            if take and not inside(take, script.project):
                why = f"{display(take)} leads outside the project folder {display(script.project)}; keep recordings inside it"
            else:
                why = audio_problem(take) if take else (f"no recording for scene '{scene.id}' in {display(folder)}; "
                                                        f"expected {scene.id}.{lang}.wav (or .mp3, .m4a)")
            if why:
                out.append(Problem(display(script.path), scene.line, 1, f"scenes[{i}].say.{lang}", why))
        return out


ENGINE = RecordedEngine()
