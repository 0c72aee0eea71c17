"""RGB ↔ yuv420p, and scaling, through libswscale (PyAV): the same code ffmpeg's command line runs.

Frames are even-sized (platform sizes are). `planes` converts RGB as ffmpeg would (bicubic chroma);
`scaled_yuv420` scales and converts in one pass (3× faster than Pillow scaling the RGB, then converting
it); `scaled_planes` scales yuv420p itself (a zoom of what is already converted: 2.5× faster still);
`rgb_of` turns yuv420p back into RGB (1 ms a 1080×1920 frame).
"""
from __future__ import annotations

import threading

import numpy as np

_local = threading.local()              # an swscale context is not thread-safe: one per thread
CONTEXTS = 32                           # swscale contexts kept per thread, one per conversion shape


def _reformat(frame, **how):
    """swscale's conversion of `frame`. A context is set up for each shape of conversion (sizes, formats),
    which costs more than converting a small rectangle: the last CONTEXTS shapes keep theirs."""
    from av.video.reformatter import VideoReformatter
    kept = getattr(_local, "contexts", None)
    if kept is None:
        kept = _local.contexts = {}
    key = (frame.width, frame.height, frame.format.name, *sorted(how.items()))
    r = kept.pop(key, None) or VideoReformatter()
    kept[key] = r                       # the most recent last
    if len(kept) > CONTEXTS:
        del kept[next(iter(kept))]
    # no slice threads: a forked worker would hang freeing a context whose threads it lacks
    return r.reformat(frame, interpolation="BICUBIC", threads=1, **how)


def _rgb_frame(rgb: np.ndarray):
    """An av.VideoFrame over the array's own rows (a crop of an image: its rows are contiguous), no copy."""
    import av
    if rgb.strides[1:] != (3, 1):
        rgb = np.ascontiguousarray(rgb)
    return av.VideoFrame.from_numpy_buffer(rgb, format="rgb24")


def _views(frame, w: int, h: int) -> list[np.ndarray]:
    return [np.frombuffer(p, np.uint8).reshape(-1, p.line_size)[:ph, :pw]
            for p, (ph, pw) in zip(frame.planes, ((h, w), (h // 2, w // 2), (h // 2, w // 2)))]


def planes(rgb: np.ndarray) -> list[np.ndarray]:
    """The Y, U and V planes of an RGB image (even size), as swscale converts it."""
    h, w = rgb.shape[:2]
    return _views(_reformat(_rgb_frame(rgb), format="yuv420p"), w, h)


def yuv420p16(rgb: np.ndarray) -> list[np.ndarray]:
    """The Y, U and V planes of an RGB image (even size) as swscale converts it to yuv420p, at 16 bits
    (the 8-bit value ×256, give or take a level): what a sprite's YUV is prepared from (layers.Sprite)."""
    h, w = rgb.shape[:2]
    frame = _reformat(_rgb_frame(rgb), format="yuv420p16le")
    return [np.frombuffer(p, np.uint16).reshape(-1, p.line_size // 2)[:ph, :pw]
            for p, (ph, pw) in zip(frame.planes, ((h, w), (h // 2, w // 2), (h // 2, w // 2)))]


def split(yuv: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Planar yuv420p bytes (Y, then U, then V) as its three planes (views)."""
    return (yuv[:h * w].reshape(h, w), yuv[h * w:h * w * 5 // 4].reshape(h // 2, w // 2),
            yuv[h * w * 5 // 4:].reshape(h // 2, w // 2))


def luma_chroma(yuv: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Planar yuv420p bytes as Y (h×w) and U over V (2×h/2×w/2: they follow each other), views: what the
    compositor blends on (one operation covers both chroma planes)."""
    return yuv[:h * w].reshape(h, w), yuv[h * w:].reshape(2, h // 2, w // 2)


def scaled_yuv420(rgb: np.ndarray, w: int, h: int) -> np.ndarray:
    """An RGB image (a crop will do) scaled to w×h and converted to planar yuv420p bytes, in one pass."""
    out = np.empty(h * w * 3 // 2, np.uint8)
    for plane, part in zip(split(out, w, h), _views(_reformat(_rgb_frame(rgb), width=w, height=h,
                                                              format="yuv420p"), w, h)):
        plane[...] = part
    return out


def centre_crop(sw: int, sh: int, cw: float, ch: float) -> tuple[slice, slice]:
    """The rows and columns of a sw×sh image's centred crop of about cw×ch (a zoom's), its corners even so
    that its yuv420p is whole chroma blocks: within a pixel of the exact crop."""
    x0, y0 = 2 * round((sw - min(sw, cw)) / 4), 2 * round((sh - min(sh, ch)) / 4)
    return slice(y0, sh - y0), slice(x0, sw - x0)


def scaled_planes(yuv: tuple[np.ndarray, np.ndarray, np.ndarray], crop: tuple[slice, slice], w: int,
                  h: int) -> np.ndarray:
    """The `crop` (centre_crop) of yuv420p planes (Y, U, V) scaled to w×h, as planar yuv420p bytes."""
    import av
    rows, cols = crop
    half = (slice(rows.start // 2, rows.stop // 2), slice(cols.start // 2, cols.stop // 2))
    parts = (yuv[0][rows, cols], yuv[1][half], yuv[2][half])
    ch, cw = parts[0].shape
    frame = av.VideoFrame(cw, ch, "yuv420p")
    for plane, part in zip(_views(frame, cw, ch), parts):
        plane[...] = part
    out = np.empty(h * w * 3 // 2, np.uint8)
    for plane, part in zip(split(out, w, h), _views(_reformat(frame, width=w, height=h, format="yuv420p"), w, h)):
        plane[...] = part
    return out


def rgb_of(yuv: np.ndarray, w: int, h: int) -> np.ndarray:
    """Planar yuv420p bytes of a w×h frame as a new RGB array."""
    import av
    frame = av.VideoFrame.from_numpy_buffer(yuv.reshape(h * 3 // 2, w), format="yuv420p")
    return np.array(_reformat(frame, format="rgb24").to_ndarray())


def scaled_rgb(rgb: np.ndarray, w: int, h: int) -> np.ndarray:
    """An RGB image (a crop will do) scaled to w×h, through yuv420p (what the encoder keeps of it)."""
    return rgb_of(scaled_yuv420(rgb, w, h), w, h)
