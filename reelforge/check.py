"""`reelforge check`: does a video file meet its platform profile?

Probes resolution, frame rate, codecs, pixel format, duration, file size, integrated loudness, true
peak and faststart (the moov atom before the media data), and says what differs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .audio import measure
from .encode import probe
from .platforms import Platform


@dataclass
class Report:
    file: str
    platform: str
    ok: bool
    facts: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"file": self.file, "platform": self.platform, "ok": self.ok, "facts": self.facts,
                "problems": self.problems}


def faststart(path: Path) -> bool:
    """True when the moov atom comes before mdat (players can start before the download ends)."""
    with open(path, "rb") as f:
        offset = 0
        while True:
            head = f.read(8)
            if len(head) < 8:
                return False
            size, kind = int.from_bytes(head[:4], "big"), head[4:8]
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            if size == 1:
                size = int.from_bytes(f.read(8), "big")
                offset += size
            elif size < 8:
                return False
            else:
                offset += size
            f.seek(offset)


def check(path: Path, p: Platform, draft: bool = False) -> Report:
    info = probe(path)
    facts = dict(info)
    facts["size_mb"] = round(path.stat().st_size / 1e6, 2)
    facts["faststart"] = faststart(path)
    if "acodec" in info:
        loud = measure(path)
        facts["integrated_lufs"], facts["true_peak_dbtp"] = loud["integrated"], loud["true_peak"]
    problems = []
    want_w, want_h = (p.width, p.height) if not draft else (p.scaled(0.5).width, p.scaled(0.5).height)
    if (info.get("width"), info.get("height")) != (want_w, want_h):
        problems.append(f"size {info.get('width')}×{info.get('height')}, expected {want_w}×{want_h}")
    if abs(info.get("fps", 0) - p.fps) > 0.01:
        problems.append(f"{info.get('fps')} fps, expected {p.fps}")
    if info.get("vcodec") != "h264":
        problems.append(f"video codec {info.get('vcodec')}, expected h264")
    if info.get("pix_fmt") != p.pix_fmt:
        problems.append(f"pixel format {info.get('pix_fmt')}, expected {p.pix_fmt}")
    if info.get("acodec") != "aac":
        problems.append(f"audio codec {info.get('acodec')}, expected aac")
    elif info.get("sample_rate") != p.audio_rate:
        problems.append(f"audio at {info.get('sample_rate')} Hz, expected {p.audio_rate}")
    duration = info.get("duration", 0)
    if duration > p.max_duration or duration < p.min_duration:
        problems.append(f"{duration:.1f} s, allowed {p.min_duration:g}–{p.max_duration:g} s")
    if facts["size_mb"] > p.max_size_mb:
        problems.append(f"{facts['size_mb']} MB, at most {p.max_size_mb:g} MB")
    if not facts["faststart"]:
        problems.append("not faststart (moov after mdat)")
    lufs = facts.get("integrated_lufs")
    if lufs is not None and lufs > -60 and abs(lufs - p.loudness) > 1.0:
        problems.append(f"integrated loudness {lufs:.1f} LUFS, target {p.loudness:g} ± 1")
    tp = facts.get("true_peak_dbtp")
    if tp is not None and tp > p.true_peak:       # the profile's own target (ebur128 reads to 0.1 dB)
        problems.append(f"true peak {tp:.1f} dBTP, at most {p.true_peak:g}")
    return Report(str(path), p.name, not problems, facts, problems)
