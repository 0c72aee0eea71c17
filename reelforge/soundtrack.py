"""A video's soundtrack: voice lines placed on the timeline, music ducked under them, loudness-normalised."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .audio import decode, loudnorm, mix, write_wav
from .timeline import VOICE_LEAD, Timeline


def soundtrack(tl: Timeline, raw: Path, out: Path) -> Optional[Path]:
    """The mix written to `raw`, normalised to the platform's loudness target into `out` (returned);
    `raw` itself when it is silent; None when there is nothing to hear (the encoder writes silence)."""
    lines = [(st.start + VOICE_LEAD, decode(st.line.audio)) for st in tl.scenes if st.line and st.line.audio]
    music = tl.script.music
    if not lines and music is None:
        return None
    write_wav(raw, mix(tl.duration, lines, (music.file, music.volume_db, music.duck_db) if music else None), 48000)
    try:
        loudnorm(raw, out, tl.platform.loudness, tl.platform.true_peak)
    except ValueError:      # silence cannot be normalised
        return raw
    return out
