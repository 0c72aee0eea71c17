"""Still frames without encoding: one frame, a contact sheet of every scene, the cover's moment."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .compose import Compositor
from .model import Script
from .platforms import platform_for
from .timeline import SceneTime, Timeline, build


def settled(st: SceneTime) -> float:
    """Seconds into the scene when its items' enter animations are done (at least 0.5)."""
    return max([i.start + i.animate.duration for i in st.items] + [0.5])


def cover_time(tl: Timeline) -> float:
    """A frame where the first scene's items have entered."""
    st = tl.scenes[0]
    return min(st.start + settled(st) + 0.1, st.end - 0.05)


def preview_frame(script: Script, lang: str, platform: str, t: float) -> np.ndarray:
    """The full-size frame at `t` seconds (clamped to the video)."""
    tl = build(script, lang, platform_for(platform, False))
    comp = Compositor(tl)
    try:
        return comp.frame_at(min(max(0.0, t), tl.duration - 1e-3)).copy()
    finally:
        comp.close()


def contact_sheet(script: Script, lang: str, platform: str, thumb_w: int = 360) -> Image.Image:
    """One image: every scene's key frame, labelled, in reading order."""
    tl = build(script, lang, platform_for(platform, False))
    comp = Compositor(tl)
    thumbs = []
    try:
        for st in tl.scenes:
            img = Image.fromarray(comp.frame_at(st.start + min(settled(st) + 0.2, st.duration * 0.8)))
            thumbs.append((st, img.resize((thumb_w, round(thumb_w * img.height / img.width)), Image.LANCZOS)))
    finally:
        comp.close()
    cols = min(len(thumbs), 4 if tl.platform.height > tl.platform.width else 3)
    rows = -(-len(thumbs) // cols)
    th = thumbs[0][1].height
    pad, label = 16, 28
    sheet = Image.new("RGB", (cols * (thumb_w + pad) + pad, rows * (th + pad + label) + pad), (32, 32, 36))
    d = ImageDraw.Draw(sheet)
    for k, (st, img) in enumerate(thumbs):
        c, r = k % cols, k // cols
        if tl.rtl:
            c = cols - 1 - c   # Arabic sheets read right to left too
        x, y = pad + c * (thumb_w + pad), pad + r * (th + pad + label)
        sheet.paste(img, (x, y + label))
        d.text((x, y + 6), f"{st.index + 1}. {st.scene.id}  {st.start:.1f}-{st.end:.1f} s", fill=(230, 230, 230))
    return sheet
