"""Reading video files (moviepy is the media layer): frames scaled to cover a box, trimmed, looped, muted."""
from __future__ import annotations

import os
import stat

import numpy as np
from PIL import Image, ImageOps

from .errors import ReelforgeError, display

# formats whose file names other files or URLs: ffmpeg would read whatever they point to
PLAYLIST_SUFFIXES = {".m3u", ".m3u8", ".ffconcat", ".concat", ".mpd", ".sdp"}
PLAYLIST_HEADS = (b"#extm3u", b"#ext-x", b"ffconcat", b"<?xml", b"<mpd", b"v=0")


def refuse_playlist(path, where: str = "") -> None:
    """A ReelforgeError when `path` is a playlist, concat list or manifest rather than media: such a
    file can make ffmpeg read any file on the machine."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):      # a FIFO or device would block or never end
            raise ReelforgeError(f"{display(path)}:1:1: {where + ': ' if where else ''}not a regular file")
        with open(path, "rb") as f:
            head = f.read(512).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    except OSError:
        return                      # ffmpeg reports an unreadable file itself
    if str(path).lower().endswith(tuple(PLAYLIST_SUFFIXES)) or head.startswith(PLAYLIST_HEADS):
        raise ReelforgeError(f"{display(path)}:1:1: {where + ': ' if where else ''}a playlist or file list, "
                             "not media: ffmpeg would read the files it names; give the media file itself")


def input_args(path, where: str = "") -> list[str]:
    """ffmpeg arguments to read one user media file: local files only, never a playlist."""
    refuse_playlist(path, where)
    return ["-protocol_whitelist", "file", "-i", f"file:{os.path.abspath(path)}"]


class VideoSource:
    def __init__(self, path: str, w: int, h: int, *, start: float = 0.0, loop: bool = True, where: str = "",
                 origin: tuple[int, int] = (0, 0)):
        from moviepy import VideoFileClip
        self.w, self.h, self.start, self.loop, self.origin = w, h, start, loop, origin
        refuse_playlist(path, where)
        try:
            self.clip = VideoFileClip(path, audio=False)
            if not self.clip.duration or self.clip.duration <= 0:
                raise OSError("the file has no video frames")
        except Exception as exc:  # moviepy raises OSError, KeyError, IndexError... for bad files
            raise ReelforgeError(f"{display(path)}:1:1: {where}: cannot read the video ({str(exc).splitlines()[0][:160]}); "
                              "re-export it as H.264 MP4") from None
        self.duration = self.clip.duration
        self._last = None

    def _time(self, t: float) -> float:
        t = self.start + t
        return t % max(self.duration - 1e-3, 1e-3) if self.loop else min(t, self.duration - 1e-3)

    def index(self, t: float) -> int:
        """The clip's frame shown at t: equal indices, the same frame."""
        return round(self._time(t) * self.clip.fps)

    def frame(self, t: float) -> np.ndarray:
        key, t = self.index(t), self._time(t)
        if self._last and self._last[0] == key:
            return self._last[1]
        img = Image.fromarray(self.clip.get_frame(t)).convert("RGB")
        out = np.asarray(ImageOps.fit(img, (self.w, self.h), Image.BILINEAR), dtype=np.uint8).copy()
        self._last = (key, out)
        return out

    def close(self) -> None:
        self.clip.close()
