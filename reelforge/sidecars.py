"""Sidecar subtitle files beside a video: OUT/<id>/<lang>/<platform>.srt and .vtt."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .captions import block_events, srt, vtt
from .encode import Staging, write_atomic
from .timeline import VOICE_LEAD, Timeline, shifted, typeset_event


def sidecar_events(tl: Timeline):
    """Block-segmented caption events of the whole video (sidecars use blocks whatever the burned style)."""
    events = []
    rules = tl.script.template.caption_rules(tl.lang)
    for st in tl.scenes:
        if st.line and st.line.words:
            events += [typeset_event(e, tl.lang, tl.script.spacing(tl.lang))
                       for e in block_events(shifted(st.line.words, st.start + VOICE_LEAD), tl.lang, tl.platform.fps,
                                             until=st.end, rules=rules)]
    return events


def write_sidecars(tl: Timeline, folder: Path, staging: Optional[Staging] = None) -> list[Path]:
    """The script's `subtitles.sidecar` kinds, written atomically (or staged in `staging`); returns their paths."""
    events = sidecar_events(tl)
    written = []
    for kind in tl.script.subtitles.sidecar:
        path = folder / f"{tl.platform.name}.{kind}"
        text = srt(events) if kind == "srt" else vtt(events, tl.lang)
        if staging:
            staging.path(path).write_text(text, "utf-8")
        else:
            write_atomic(path, text)
        written.append(path)
    return written
