"""Still frames without encoding: one frame, a contact sheet of every scene, the cover's moment."""
from __future__ import annotations

from dataclasses import replace

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


def only_visible(tl: Timeline, t: float) -> Timeline:
    """`tl` with, in each scene, only the items on screen at `t` (as the compositor sees the scene at
    that moment): the frame at `t` is the same, and nothing hidden is rasterised. Logo items stay (a logo
    element replaces the corner logo for the whole scene)."""
    def keep(st: SceneTime) -> SceneTime:
        local = min(max(0.0, t - st.start), st.duration - 1e-6)
        return replace(st, items=tuple(i for i in st.items if i.kind == "logo" or i.start <= local < i.end))
    return replace(tl, scenes=tuple(keep(st) for st in tl.scenes))


def preview_frame(script: Script, lang: str, platform: str, t: float, lines=None) -> np.ndarray:
    """The full-size frame at `t` seconds (clamped to the video)."""
    return frame_of(build(script, lang, platform_for(platform, False), lines), t)


def frame_of(tl: Timeline, t: float) -> np.ndarray:
    """A timeline's frame at `t` seconds (clamped to the video)."""
    t = min(max(0.0, t), tl.duration - 1e-3)
    comp = Compositor(only_visible(tl, t))
    try:
        return comp.frame_at(t).copy()
    finally:
        comp.close()


def contact_sheet(script: Script, lang: str, platform: str, thumb_w: int = 360, lines=None) -> Image.Image:
    """One image: every scene's key frame, labelled, in reading order."""
    return sheet_of(build(script, lang, platform_for(platform, False), lines), thumb_w)


def sheet_of(tl: Timeline, thumb_w: int = 360) -> Image.Image:
    """A timeline's contact sheet (see contact_sheet)."""
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


def png_bytes(image) -> bytes:
    """An RGB image (array or Pillow image) as PNG: rows unfiltered, deflated at zlib's fastest level. A
    preview is looked at, not archived: a third of Pillow's time at its fastest level (which tries five
    row filters), a quarter of PyAV's import alone, and a smaller file on flat and gradient frames."""
    import struct
    import zlib
    rgb = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image, np.uint8)
    h, w = rgb.shape[:2]
    rows = np.zeros((h, w * 3 + 1), np.uint8)          # each row: filter type 0 (none), then its pixels
    rows[:, 1:] = rgb.reshape(h, w * 3)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + chunk(b"IEND", b"")
