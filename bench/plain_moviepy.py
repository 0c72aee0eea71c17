"""The same reel written the way a typical moviepy user would: CompositeVideoClip + TextClip.

Kept as the baseline for bench_render.py. It takes reelforge's resolved timeline (scene times,
boxes, texts, images, logo) so that both renderers draw the same content.
"""
from __future__ import annotations

from moviepy import ColorClip, CompositeVideoClip, ImageClip, TextClip, vfx

from reelforge.layers import logo_box


def build(tl):
    p = tl.platform
    brand = tl.brand
    clips = []
    for st in tl.scenes:
        bg = st.background
        color = brand.rgba(bg.colors[0])[:3] if bg.colors else brand.rgba("dark")[:3]
        scene = [ColorClip((p.width, p.height), color=color).with_duration(st.duration)]
        for item in st.items:
            x, y, w, h = item.box
            if item.kind == "text":
                style = item.style
                font = brand.fonts["latin"].get(style.weight) or brand.fonts["latin"]["regular"]
                clip = TextClip(font=str(font), text=item.text, font_size=int(style.size * min(p.width, p.height) / 100),
                                color="#%02x%02x%02x" % brand.rgba(style.color)[:3], method="caption", size=(w, None),
                                text_align="center")
            elif item.kind == "image":
                clip = ImageClip(item.file).resized(width=w)
            else:
                continue
            clip = clip.with_start(item.start).with_duration(item.end - item.start).with_position((x, y))
            clips_effects = [vfx.CrossFadeIn(item.animate.duration)] if item.animate.enter != "none" else []
            scene.append(clip.with_effects(clips_effects))
        lx, ly, lw, lh = logo_box(tl)
        scene.append(ImageClip(str(brand.logo.file)).resized((lw, lh)).with_position((lx, ly)).with_duration(st.duration))
        comp = CompositeVideoClip(scene, size=(p.width, p.height)).with_start(st.start)
        if st.index:
            comp = comp.with_effects([vfx.CrossFadeIn(0.4)])
        clips.append(comp)
    return CompositeVideoClip(clips, size=(p.width, p.height)).with_duration(tl.duration)


def write(tl, path, preset="medium"):
    build(tl).write_videofile(str(path), fps=tl.platform.fps, codec="libx264", preset=preset, audio=False,
                              ffmpeg_params=["-crf", str(tl.platform.crf), "-pix_fmt", "yuv420p"], logger=None)
