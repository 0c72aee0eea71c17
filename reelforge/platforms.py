"""Platform profiles (data in platforms.yaml): frame size, fps, codecs, limits, safe area, loudness."""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import yaml

from .model import frozen_map

DRAFT_SCALE = 0.5               # --draft renders at half size
ASPECT_RATIOS = {"9:16": 9 / 16, "4:5": 4 / 5, "1:1": 1.0, "16:9": 16 / 9}


@dataclass(frozen=True)
class Platform:
    name: str
    label: str
    width: int
    height: int
    fps: int
    max_duration: float
    min_duration: float
    max_size_mb: float
    maxrate: str
    bufsize: str
    safe_top: int
    safe_bottom: int
    safe_left: int
    safe_right: int
    crf: int = 20
    profile: str = "high"
    pix_fmt: str = "yuv420p"
    audio_codec: str = "aac"
    audio_rate: int = 48000
    audio_bitrate: str = "160k"
    loudness: float = -14.0
    true_peak: float = -1.5

    @property
    def aspect(self) -> str:
        """The template aspect class closest to this frame's ratio."""
        ratio = self.width / self.height
        return min(ASPECT_RATIOS, key=lambda a: abs(ASPECT_RATIOS[a] - ratio))

    @property
    def safe_box(self) -> tuple[int, int, int, int]:
        """x0, y0, x1, y1 of the area no platform UI covers."""
        return (self.safe_left, self.safe_top, self.width - self.safe_right, self.height - self.safe_bottom)

    def scaled(self, factor: float) -> "Platform":
        """The same profile at a fraction of the size (draft renders, tests)."""
        def even(v):
            return max(2, int(round(v * factor / 2)) * 2)
        return replace(self, width=even(self.width), height=even(self.height),
                       safe_top=int(self.safe_top * factor), safe_bottom=int(self.safe_bottom * factor),
                       safe_left=int(self.safe_left * factor), safe_right=int(self.safe_right * factor))


@lru_cache(maxsize=None)
def registry() -> Mapping[str, Platform]:
    data = yaml.safe_load((Path(__file__).parent / "platforms.yaml").read_text("utf-8"))
    out = {}
    for name, p in data.items():
        safe, rate = p["safe"], p["bitrate"]
        out[name] = Platform(
            name=name, label=p["label"], width=p["size"][0], height=p["size"][1], fps=p["fps"],
            max_duration=p["max_duration"], min_duration=p["min_duration"], max_size_mb=p["max_size_mb"],
            maxrate=rate["max"], bufsize=rate["buffer"], safe_top=safe["top"], safe_bottom=safe["bottom"],
            safe_left=safe["left"], safe_right=safe["right"],
            **{k: p[k] for k in ("crf", "profile", "loudness", "true_peak") if k in p})
    return frozen_map(out)


def platform_for(name: str, draft: bool) -> Platform:
    """The named profile, at half size for a draft."""
    p = registry()[name]
    return p.scaled(DRAFT_SCALE) if draft else p
