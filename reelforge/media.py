"""Reading video files (moviepy is the media layer): frames scaled to cover a box, trimmed, looped, muted."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps

from .errors import ReelforgeError, display


class VideoSource:
    def __init__(self, path: str, w: int, h: int, *, start: float = 0.0, loop: bool = True, where: str = "",
                 origin: tuple[int, int] = (0, 0)):
        from moviepy import VideoFileClip
        self.w, self.h, self.start, self.loop, self.origin = w, h, start, loop, origin
        try:
            self.clip = VideoFileClip(path, audio=False)
            if not self.clip.duration or self.clip.duration <= 0:
                raise OSError("the file has no video frames")
        except Exception as exc:  # moviepy raises OSError, KeyError, IndexError... for bad files
            raise ReelforgeError(f"{display(path)}:1:1: {where}: cannot read the video ({str(exc).splitlines()[0][:160]}); "
                              "re-export it as H.264 MP4") from None
        self.duration = self.clip.duration
        self._last = None

    def frame(self, t: float) -> np.ndarray:
        t = self.start + t
        if self.loop:
            t = t % max(self.duration - 1e-3, 1e-3)
        else:
            t = min(t, self.duration - 1e-3)
        key = round(t * self.clip.fps)
        if self._last and self._last[0] == key:
            return self._last[1]
        img = Image.fromarray(self.clip.get_frame(t)).convert("RGB")
        out = np.asarray(ImageOps.fit(img, (self.w, self.h), Image.BILINEAR), dtype=np.uint8).copy()
        self._last = (key, out)
        return out

    def close(self) -> None:
        self.clip.close()
