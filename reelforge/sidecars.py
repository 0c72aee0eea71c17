"""Sidecar subtitle files beside a video: OUT/<id>/<lang>/<platform>.srt and .vtt."""
from __future__ import annotations

from pathlib import Path

from .captions import block_events, srt, vtt
from .encode import write_atomic
from .timeline import VOICE_LEAD, Timeline, shifted


def sidecar_events(tl: Timeline):
    """Block-segmented caption events of the whole video (sidecars use blocks whatever the burned style)."""
    events = []
    rules = tl.script.template.caption_rules(tl.lang)
    for st in tl.scenes:
        if st.line and st.line.words:
            events += block_events(shifted(st.line.words, st.start + VOICE_LEAD), tl.lang, tl.platform.fps,
                                   until=st.end, rules=rules)
    return events


def write_sidecars(tl: Timeline, folder: Path) -> list[Path]:
    """The script's `subtitles.sidecar` kinds, written atomically; returns their paths."""
    events = sidecar_events(tl)
    written = []
    for kind in tl.script.subtitles.sidecar:
        path = folder / f"{tl.platform.name}.{kind}"
        write_atomic(path, srt(events) if kind == "srt" else vtt(events, tl.lang))
        written.append(path)
    return written
