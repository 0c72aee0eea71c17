"""`reelforge subtitle MEDIA`: captions for audio or video a user already has.

Whisper transcribes (or, with a known script, only times it), the block rules segment, and the result
is written as SRT or WebVTT; `--burn` writes a copy of the video with the brand's caption style drawn
by libass (complex shaping, the kit's fonts).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .audio import decode
from .captions import Event, block_events, srt, vtt
from .encode import encode, probe, write_atomic
from .errors import RenderError, display
from .language import language
from .model import Brand
from .tts import Word


def events_for(media: Path, lang: Optional[str], script: Optional[str], model: str, fps: int = 30):
    from .align import align, load_model, transcribe
    samples = decode(media, rate=16000, where="media")
    heard, detected = transcribe(load_model(model), samples, lang)
    lang = lang or detected or "fr"
    if script:
        shown = script.split()
        result = align(shown, heard, duration=len(samples) / 16000)
        words = [Word(w, s, e) for w, (s, e) in zip(shown, result.times)]
        wer = result.wer
    else:
        words, wer = [Word(w, s, e) for w, s, e in heard], None
    return block_events(words, lang, fps), lang, wer


def write(events: list[Event], target: Path, lang: str) -> None:
    write_atomic(target, vtt(events, lang) if target.suffix.lower() == ".vtt" else srt(events))


def burn(media: Path, events: list[Event], brand: Brand, lang: str, target: Path) -> None:
    """A copy of the video with the captions drawn by reelforge's own text engine (the same shaping,
    fonts and caption style as rendered reels), in the caption band of the closest platform layout."""
    import numpy as np

    from .layers import Sprite, fonts_of, px_style
    from .media import VideoSource
    from .platforms import registry
    from .text import clean, render_text
    from .timeline import CAPTION_BAND
    info = probe(media)
    if "width" not in info:
        raise RenderError(f"{display(media)}:1:1: --burn needs a video; this file has no video stream")
    w, h, fps = info["width"] // 2 * 2, info["height"] // 2 * 2, round(info.get("fps", 30))
    ratio = w / h
    shape = min(registry().values(), key=lambda p: abs(p.width / p.height - ratio))
    sx, sy = w / shape.width, h / shape.height
    x0, y0, x1, y1 = shape.safe_box
    bx, by, bw, bh = CAPTION_BAND
    box = (x0 * sx + (x1 - x0) * sx * bx / 100, y0 * sy + (y1 - y0) * sy * by / 100,
           (x1 - x0) * sx * bw / 100, (y1 - y0) * sy * bh / 100)
    style = px_style(brand.captions, brand, min(w, h))
    fonts = fonts_of(brand)
    sprites = []
    for e in events:
        text = clean("\n".join(e.lines))
        block = render_text(text, fonts, style, box[2], box[3], direction="rtl" if language(lang).rtl else None)
        sprites.append((e.start, e.end, Sprite.from_image(block.image), round(box[0] + block.offset[0]),
                        round(box[1] + block.offset[1])))
    video = VideoSource(str(media), w, h, loop=False, where="media")
    duration = info.get("duration") or video.duration
    p = shape.scaled(1.0)
    from dataclasses import replace
    p = replace(p, width=w, height=h, fps=fps)

    def frames():
        for k in range(max(1, round(duration * fps))):
            t = k / fps
            frame = video.frame(t)
            live = [s for s in sprites if s[0] <= t < s[1]]
            if live:
                frame = frame.copy()
                for _, _, sprite, x, y in live:
                    sprite.blend(frame, x, y)
            yield np.ascontiguousarray(frame)
    try:
        encode(frames(), p, duration, target, audio=media if "acodec" in info else None)
    finally:
        video.close()
