"""The frame loop's fast paths draw the very frames a plain redraw draws: cached composites, frames
redrawn only where a moving layer changed, sprites blended over their ink only, gradients computed in
bands, text dipped only where it is drawn; and the encoder's YUV is the whole frame's conversion though
it converts only the rectangles drawn on (a drifting background's gradient panned, not converted: only
the chroma of its outer MARGIN pixels may differ, by a level)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from reelforge.compose import Compositor, SceneDrawer, scaled_ink
from reelforge.encode import MARGIN, Pan, YuvFrames, drawn, yuv420
from reelforge.layers import Sprite, gradient
from reelforge.load import load_script
from reelforge.platforms import platform_for
from reelforge.timeline import build

# the test script's first scene drifts (a gradient with shapes) and slides into the second, which
# drifts too and fades (text dipping out, then in) into the third; pill captions and a progress bar
# are moving layers that often show the same thing two frames running
PROGRESS = "    elements:\n      - {type: progress, of: scene, box: [10, 88, 80, 1.2]}\n    transition: slide\n"


def _timeline(project):
    text = (project / "ok.yaml").read_text("utf-8").replace("style: karaoke", "style: pill")
    text = text.replace("    transition: slide\n", PROGRESS, 1)
    (project / "ok.yaml").write_text(text, "utf-8")
    return build(load_script(project / "ok.yaml"), "fr", platform_for("reels", True))


def assert_converted(got: np.ndarray, frame: np.ndarray, where) -> None:
    """`got` is the whole frame's yuv420p: the same bytes, but for the chroma of the frame's outer MARGIN
    pixels, within a level (a panned gradient's conversion reads the gradient beyond the frame's edge)."""
    h, w = frame.shape[:2]
    want = yuv420(np.ascontiguousarray(frame))
    assert np.array_equal(got[:h * w], want[:h * w]), where                 # luma: exact
    m = MARGIN // 2
    for k in range(2):
        size = h * w // 4
        g, v = (a[h * w + k * size:h * w + (k + 1) * size].reshape(h // 2, w // 2).astype(int) for a in (got, want))
        assert np.array_equal(g[m:-m, m:-m], v[m:-m, m:-m]), where        # chroma inside: exact
        assert np.abs(g - v).max() <= 1, where                            # at the edges: within a level


def _plain(drawer: SceneDrawer, t: float) -> np.ndarray:
    """The scene at t drawn from scratch: its background, the resting layers, then the moving ones."""
    frame = np.array(drawer.bg.frame(t))
    visible = [layer for layer in drawer.layers if layer.visible(t)]
    for layer in visible:
        if not layer.moving(t):
            layer.draw(frame, t, at_rest=True)
    for layer in visible:
        if layer.moving(t):
            layer.draw(frame, t)
    return frame


def test_fast_path_frames_and_their_yuv_equal_a_plain_redraw(project):
    tl = _timeline(project)
    assert tl.scenes[0].background.drift and tl.scenes[1].background.drift
    assert (tl.scenes[0].transition.name, tl.scenes[1].transition.name) == ("slide", "fade")
    fps = tl.platform.fps
    comp, convert = Compositor(tl), YuvFrames()
    frames, sampled, reused = [], {}, 0
    for k in range(comp.frame_count()):          # in order: every cache warm, as when encoding
        frame = comp.frame_at(k / fps)
        yuv = convert(frame)
        reused += any(frame is f for f in frames[-1:])
        assert_converted(yuv, frame, k)
        frames = [frame]
        if k % 9 == 0 or abs(k / fps - 4.5) < 0.25 or abs(k / fps - tl.scenes[1].end) < 0.25:
            sampled[k] = np.array(frame)
    comp.close()
    assert reused > 10          # unchanged frames were the same array again (converted once)
    plain = {i: SceneDrawer(tl, st) for i, st in enumerate(tl.scenes)}
    for k, got in sampled.items():
        t = k / fps
        i = next(j for j, st in enumerate(tl.scenes) if t < st.end or j == len(tl.scenes) - 1)
        st = tl.scenes[i]
        near = [e for e in (tl.scenes[0].end, tl.scenes[1].end) if abs(t - e) < 0.2]
        if near:                # inside a transition: a fresh compositor, nothing cached
            fresh = Compositor(tl)
            want = fresh.frame_at(t)
            fresh.close()
        else:
            want = _plain(plain[i], min(max(0.0, t - st.start), st.duration - 1e-6))
        assert np.array_equal(got, want), (k, t)
    for d in plain.values():
        d.close()


def test_a_panned_window_and_what_is_drawn_over_it_convert_to_the_whole_frames_bytes():
    """A window of a larger image at every parity of its offset, with rectangles drawn over it, and a
    frame drawn over that: converted from the big image's conversion and the rectangles only, the bytes
    of the whole frame's conversion (but for a level at the edges)."""
    rng = np.random.default_rng(11)
    big = gradient(110, 140, (250, 30, 160, 255), (12, 200, 90, 255), "diagonal")     # as a drifting background
    w, h = 64, 96
    convert = YuvFrames()
    for ox, oy in ((0, 0), (1, 0), (0, 1), (1, 1), (7, 13), (46, 44), (45, 43), (2, 30)):
        background = big[oy:oy + h, ox:ox + w].copy()
        rects = []
        for x0, y0, x1, y1 in ((0, 0, 9, 5), (20, 30, 41, 47), (55, 90, 64, 96)):
            background[y0:y1, x0:x1] = rng.integers(0, 256, (y1 - y0, x1 - x0, 3), dtype=np.uint8)
            rects.append((x0, y0, x1, y1))
        base = background             # the resting composite is drawn on the panned background itself
        base[50:61, 3:30] //= 2
        base = drawn(base, Pan(big, ox, oy, w, h), rects + [(3, 50, 30, 61)])
        frame = base.copy()
        frame[5:9, 31:41] = 7
        frame = drawn(frame, base, [(31, 5, 41, 9)])
        for f in (frame, base):     # the frame first: its base is converted on the way
            assert_converted(convert(f), f, (ox, oy))


def test_a_sprite_blends_only_its_ink_and_within_a_clip_as_the_full_formula():
    rng = np.random.default_rng(5)
    rgba = np.zeros((40, 50, 4), np.uint8)
    rgba[7:30, 11:44] = rng.integers(0, 256, (23, 33, 4), dtype=np.uint8)      # transparent margins
    sprite = Sprite(rgba)
    assert sprite.box == (11, 7, 44, 30)
    a = rgba[..., 3:4].astype(np.uint16)
    premultiplied = (rgba[..., :3].astype(np.uint16) * a + 127) // 255
    for x, y, clip in ((5, 6, None), (-20, -3, None), (60, 70, None), (5, 6, (20, 0, 40, 25)), (100, 9, None)):
        frame = rng.integers(0, 256, (80, 90, 3), dtype=np.uint8)
        want = frame.copy()
        fx0, fy0, fx1, fy1 = max(x, 0), max(y, 0), min(x + 50, 90), min(y + 40, 80)
        if clip:
            fx0, fy0, fx1, fy1 = max(fx0, clip[0]), max(fy0, clip[1]), min(fx1, clip[2]), min(fy1, clip[3])
        if fx0 < fx1 and fy0 < fy1:
            region = want[fy0:fy1, fx0:fx1].astype(np.uint16)
            inv = 255 - a[fy0 - y:fy1 - y, fx0 - x:fx1 - x]
            want[fy0:fy1, fx0:fx1] = (region * inv + 127) // 255 + premultiplied[fy0 - y:fy1 - y, fx0 - x:fx1 - x]
        rect = sprite.blend(frame, x, y, clip)
        assert np.array_equal(frame, want), (x, y, clip)
        if rect is not None:        # the rectangle it reports holds every pixel it changed
            outside = frame.copy()
            outside[rect[1]:rect[3], rect[0]:rect[2]] = want[rect[1]:rect[3], rect[0]:rect[2]]
            assert np.array_equal(outside, want)


def test_text_dipped_in_where_it_is_drawn_equals_the_whole_frame_fade():
    """A dipping transition fades a scene's text in only where the text was drawn: the same bytes as
    fading the whole frame without the text into the whole frame with it."""
    from reelforge.transitions import _fade, _with_text
    rng = np.random.default_rng(3)

    class Text:             # a layer that draws a sprite where it stands (compose.Layer's draw)
        def __init__(self, x, y):
            rgba = rng.integers(0, 256, (12, 30, 4), dtype=np.uint8)
            self.sprite, self.x, self.y = Sprite(rgba), x, y

        def draw(self, frame, t, at_rest=False):
            return self.sprite.blend(frame, self.x, self.y)

    class Drawer:
        layers = [Text(3, 4), Text(20, 10), Text(60, 50), Text(75, 70)]    # two overlap, one is clipped

    base = rng.integers(0, 256, (80, 90, 3), dtype=np.uint8)
    full = base.copy()
    for layer in Drawer.layers:
        layer.draw(full, 0.0)
    for w in (0.1, 0.5, 0.93, 1.0):
        assert np.array_equal(_with_text(Drawer, base, 0.0, [0, 1, 2, 3], w), _fade(base, full, w, False) if w < 1 else full)


def test_gradients_in_bands_and_pairs_equal_the_per_pixel_formula_at_odd_sizes():
    """layers.gradient computes a band of rows at a time, and spreads a row or column ramp as pairs of
    pixels: the bytes of the per-pixel formula, at sizes that end a band, a pair or a row early."""
    for w, h in ((37, 131), (38, 129), (1, 3), (3, 1), (130, 64)):
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        c0, c1 = (250, 30, 160, 255), (12, 200, 90, 255)
        dither = ((xx + yy) % 2 * 0.5 + 0.25).astype(np.float32)[..., None]
        ts = {"vertical": np.broadcast_to(np.linspace(0, 1, h, dtype=np.float32)[:, None], (h, w)),
              "horizontal": np.broadcast_to(np.linspace(0, 1, w, dtype=np.float32)[None, :], (h, w)),
              "diagonal": (xx / max(1, w - 1) + yy / max(1, h - 1)) / 2,
              "radial": np.sqrt(((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2) / np.sqrt(2)}
        a, b = np.array(c0[:3], np.float32), np.array(c1[:3], np.float32)
        for direction, t in ts.items():
            want = np.clip(a + (b - a) * np.clip(t, 0, 1)[..., None] + dither, 0, 255).astype(np.uint8)
            assert np.array_equal(gradient(w, h, c0, c1, direction), want), (direction, w, h)


def test_soft_shapes_are_the_premultiplied_drawing_averaged_by_4x4_blocks():
    """A background's soft shape is drawn 4× in Pillow's premultiplied mode and each 4×4 block averaged
    (rounded): the RGBA drawing, premultiplied, averaged, and made straight again."""
    from PIL import Image, ImageDraw

    from reelforge.layers import soft_shape
    for d, color, ring, alpha in ((37, (255, 200, 87, 255), True, 0.22), (52, (14, 42, 47, 255), False, 0.1),
                                  (41, (250, 250, 250, 255), True, 0.1), (64, (3, 140, 255, 255), False, 0.22)):
        big = Image.new("RGBA", (d * 4, d * 4), (0, 0, 0, 0))
        fill = tuple(color[:3]) + (round(255 * alpha),)
        if ring:
            ImageDraw.Draw(big).ellipse((0, 0, d * 4 - 1, d * 4 - 1), outline=fill, width=max(4, d // 6))
        else:
            ImageDraw.Draw(big).ellipse((0, 0, d * 4 - 1, d * 4 - 1), fill=fill)
        blocks = np.asarray(big.convert("RGBa")).astype(np.uint32).reshape(d, 4, d, 4, 4).sum(axis=(1, 3))
        averaged = ((blocks + 8) // 16).astype(np.uint8)
        want = np.asarray(Image.frombytes("RGBa", (d, d), averaged.tobytes()).convert("RGBA"))
        got = soft_shape(d, color, ring, alpha).rgba
        assert np.array_equal(got, want), (d, color, ring, alpha)
        assert 0 < got[..., 3].max() <= fill[3] and got[0, 0, 3] == 0 and got[d // 2, 0, 3] > 0


def _zooming(project, zoom=1.25):
    """The test script with its picture scene on a photo-like background (smooth light, a ring) that zooms."""
    from PIL import Image, ImageDraw, ImageFilter
    ramp = Image.linear_gradient("L").resize((320, 480)).point(lambda v: 40 + v * 0.6)
    img = Image.merge("RGB", (ramp, ramp.transpose(Image.FLIP_TOP_BOTTOM), Image.new("L", ramp.size, 120)))
    ImageDraw.Draw(img).ellipse((100, 180, 220, 300), outline=(250, 200, 60), width=12)
    img = img.filter(ImageFilter.GaussianBlur(2))
    img.save(project / "assets" / "bg.png")
    text = (project / "ok.yaml").read_text("utf-8").replace(
        'background: {color: "#102030"}', f"background: {{image: assets/bg.png, fit: cover, zoom: {zoom}}}")
    (project / "ok.yaml").write_text(text, "utf-8")
    return build(load_script(project / "ok.yaml"), "fr", platform_for("reels", True)), img


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float32) - b.astype(np.float32)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255 ** 2 / mse)


@pytest.mark.parametrize("zoom", [1.25, 1.252])       # the picture scaled to 1200 and 1202 rows
def test_a_zooming_background_is_scaled_straight_to_yuv_and_its_rgb_is_that_yuvs(project, zoom):
    from reelforge.layers import Background, fit
    tl, img = _zooming(project, zoom)
    st = tl.scenes[2]
    w, h = tl.platform.width, tl.platform.height
    bg = Background(st, tl)
    first, last = bg.fresh(0.0), bg.fresh(st.duration)
    # the zoom starts on the picture fitted to the frame and ends on its centre at `zoom` times the size
    # (compared as the encoder sees them, yuv420p)
    assert _psnr(first.under.yuv, yuv420(np.asarray(fit(img, w, h, "cover")))) > 40
    assert np.abs(first.under.yuv.astype(int) - yuv420(np.asarray(fit(img, w, h, "cover")))).max() <= 8   # every row
    big = np.asarray(fit(img, round(w * zoom), round(h * zoom), "cover"))
    y0, x0 = (big.shape[0] - h) // 2, (big.shape[1] - w) // 2
    assert _psnr(last.under.yuv, yuv420(big[y0:y0 + h, x0:x0 + w])) > 40
    assert bg.key(0.0) != bg.key(st.duration / 2) != bg.key(st.duration)
    # the encoder takes the zoom's own yuv420p; the RGB frame is made from it (converted back, within 2 levels)
    for frame in (first, last):
        yuv = YuvFrames()(frame)
        assert yuv is frame.under.yuv
        assert np.abs(yuv.astype(int) - yuv420(np.ascontiguousarray(frame)).astype(int)).max() <= 2
    # through the compositor, text drawn over the zoom: what the encoder gets is the frame's conversion
    comp, convert = Compositor(tl), YuvFrames()
    fps = tl.platform.fps
    frames = [comp.frame_at(st.start + k / fps) for k in range(int(st.duration * fps))]
    assert len({id(f) for f in frames}) > len(frames) // 4          # the zoom moves
    for f in frames:
        assert np.abs(convert(f).astype(int) - yuv420(np.ascontiguousarray(f)).astype(int)).max() <= 2
    comp.close()


def test_the_fade_is_the_weighted_sum_for_every_pair_of_values_and_weight():
    from reelforge.transitions import _fade
    a = np.repeat(np.arange(256, dtype=np.uint8), 256).reshape(256, 256, 1)
    b = np.tile(np.arange(256, dtype=np.uint8), 256).reshape(256, 256, 1)
    for w in range(257):
        want = (a.astype(np.uint32) * (256 - w) + b.astype(np.uint32) * w) >> 8
        assert np.array_equal(_fade(a, b, w / 256, False), want), w


def test_the_corner_logo_is_one_sprite_for_every_scene_until_its_file_changes(project):
    import os

    from PIL import Image
    tl = build(load_script(project / "ok.yaml"), "fr", platform_for("reels", True))

    def logos():
        drawers = [SceneDrawer(tl, st) for st in tl.scenes]
        out = {id(layer.content.sprite): layer.content.sprite for d in drawers for layer in d.layers
               if layer.item.name == "logo"}
        for d in drawers:
            d.close()
        return out
    before = logos()
    assert len(before) <= 2               # the logo and, on dark scenes, its light variant: drawn once each
    for name in ("logo.png", "logo-light.png"):
        path = project / "brand" / "demo" / name
        img = Image.open(path).convert("RGBA")
        img.paste((255, 0, 0, 255), (0, 0, img.width // 2, img.height))
        img.save(path)
        os.utime(path, ns=(1, 1))         # a different file identity whatever the clock's resolution
    after = logos()
    assert not set(after) & set(before)
    assert all((s.rgba[..., 0] > 200).any() for s in after.values())


@pytest.mark.parametrize("name", ["fade", "slide", "wipe", "zoom"])
def test_transition_frames_made_in_yuv_are_the_rgb_transitions_converted(project, name):
    """Rendering for the encoder, a transition's frame is made from the two scenes' yuv420p (its RGB made
    from that): what the encoder gets is the RGB transition's conversion, within rounding (a slide's seam
    may put one chroma column on the other side)."""
    from reelforge.encode import Converted
    text = (project / "ok.yaml").read_text("utf-8").replace("    transition: slide\n", f"    transition: {name}\n", 1)
    (project / "ok.yaml").write_text(text, "utf-8")
    tl = build(load_script(project / "ok.yaml"), "fr", platform_for("reels", True))
    convert = YuvFrames()
    fast, plain = Compositor(tl, convert=convert), Compositor(tl)
    st, fps = tl.scenes[0], tl.platform.fps
    assert st.transition.name == name
    inside = [k for k in range(fast.frame_count()) if abs(k / fps - st.end) < st.transition.duration / 2]
    assert len(inside) >= 5
    for k in range(inside[-1] + 1):          # in order, as when encoding
        frame = fast.frame_at(k / fps)
        yuv = convert(frame)
        if k in inside:
            assert isinstance(frame.under, Converted), k
            want = yuv420(np.ascontiguousarray(plain.frame_at(k / fps)))
            assert _psnr(yuv, want) > 45, k
            luma = np.abs(yuv[:frame.size // 3].astype(int) - want[:frame.size // 3].astype(int))
            assert np.mean(luma > 3) < 0.001, k
            assert _psnr(yuv420(np.ascontiguousarray(frame)), yuv) > 45, k      # the RGB frame is that picture
    fast.close()
    plain.close()


def test_a_sprite_blended_on_yuv_planes_is_its_rgb_blend_converted(project):
    """Sprite.blend_yuv (the encoder's path) against blending RGB and converting the frame: text with
    its box and shadow, the logo, a soft shape and two of them faded, at every parity of position and partly off the frame,
    over a drifting gradient: luma and chroma within a level (two when faded), but for the chroma of the frame's outer MARGIN
    pixels when the sprite leaves the frame (swscale repeats the frame's edge pixel there): within 3."""
    from reelforge.pixels import luma_chroma, split
    from reelforge.layers import Faded, soft_shape
    tl = _timeline(project)
    drawer = SceneDrawer(tl, tl.scenes[0])
    sprites = [layer.content.sprite for layer in drawer.layers if hasattr(layer.content, "sprite")]
    sprites.append(soft_shape(120, (255, 200, 87, 255), True, 0.22))
    sprites += [Faded(s, 0.37) for s in sprites[:2]]      # a fade: blended from the sprite's own planes
    drawer.close()
    assert len(sprites) >= 3
    h, w = 480, 360
    bg = gradient(w, h, (20, 60, 120), (240, 120, 40), "diagonal")
    for s in sprites:
        sw, sh = s.sprite.rgba.shape[1::-1] if isinstance(s, Faded) else (s.w, s.h)
        for x, y in ((40, 60), (41, 60), (40, 61), (41, 61), (-sw // 2 - 1, -sh // 3), (w - sw // 2, h - 7)):
            rgb = bg.copy()
            r = s.blend(rgb, x, y)
            want = yuv420(rgb)
            got = yuv420(bg)
            assert s.blend_yuv(luma_chroma(got, w, h), x, y) in (r, s.rect(x, y, w, h))
            m = MARGIN // 2
            for k, (a, b) in enumerate(zip(split(got, w, h), split(want, w, h))):
                d = np.abs(a.astype(int) - b)
                level = 1 + isinstance(s, Faded)        # the RGB fade floors the scaled alpha to a level
                assert d.max() <= (level if k == 0 else 3) and (k == 0 or d[m:-m, m:-m].max() <= level), \
                    (sw, sh, x, y, k)


def test_a_frame_redrawn_where_looks_changed_is_byte_identical_to_blending_them_all_again(project):
    """After a frame of moving sprites, the next is that frame with only the rectangles its changed looks
    reach made anew (layers.reblended, as compose does it): the same bytes as blending every look on the
    resting composite again. Text, a soft shape, a fade and layered parts, at every parity, across the
    frame's edges, over and beside each other, through 40 random steps."""
    from reelforge.compose import extent
    from reelforge.encode import Converted, grown, merged_rects
    from reelforge.layers import Faded, Sprites, blended, reblended, soft_shape
    tl = _timeline(project)
    drawer = SceneDrawer(tl, tl.scenes[0])
    sprites = [layer.content.sprite for layer in drawer.layers if hasattr(layer.content, "sprite")]
    drawer.close()
    sprites.append(soft_shape(90, (255, 200, 87, 255), True, 0.22))
    sprites.append(Faded(sprites[0], 0.45))
    sprites.append(Sprites(200, 120, [(sprites[-2], 0, 0), (sprites[1], 33, 17)]))
    h, w = 480, 360
    base = Converted(yuv420(gradient(w, h, (20, 60, 120), (240, 120, 40), "diagonal")), w, h)
    rng = np.random.default_rng(7)
    looks = [(s, int(rng.integers(-80, w)), int(rng.integers(-80, h))) for s in sprites]
    frame = blended(base.yuv, w, h, looks)
    for step in range(40):
        now = list(looks)
        for k in rng.choice(len(now), size=int(rng.integers(1, 3)), replace=False):
            s, x, y = now[k]
            now[k] = (s, x + int(rng.integers(-30, 31)), y + int(rng.integers(-30, 31)))
        rects = merged_rects([grown(r, w, h) for a, b in zip(looks, now) if a != b
                              for r in (extent(a, w, h), extent(b, w, h)) if r])
        frame, looks = reblended(frame, base, now, rects), now
        assert np.array_equal(frame.yuv, blended(base.yuv, w, h, now).yuv), step


@pytest.mark.parametrize("rtl", [False, True])
def test_a_progress_bar_is_cut_from_two_bars_prepared_once_and_converts_as_drawn(rtl):
    """A progress bar's frames are its filled and empty parts cut from two whole bars (layers.Cut), the
    same two sprites at every step, the edge on an even column of the frame, growing from the reading
    start; blended in YUV, the conversion of its RGB blend: luma within a level, chroma within 4 (a cut
    edge is sharp where the filter would have softened it)."""
    from reelforge.elements.progress import ProgressSource
    from reelforge.pixels import luma_chroma, split
    w, h = 360, 80
    bg = gradient(w, h, (20, 60, 120), (40, 120, 90), "vertical")
    src = ProgressSource((31, 37, 297, 9), (255, 200, 87, 255), (255, 255, 255, 64), 0.0, 10.0, rtl)
    bars, edges = set(), []
    for t in np.linspace(0, 10, 41):
        look = src.frame(float(t))
        bars |= {id(cut.sprite) for cut, _, _ in look.parts}
        edge = look.parts[0][0].cut[2]
        edges.append(edge)
        assert (31 + edge) % 2 == 0 or edge in (0, 297)
        rgb = bg.copy()
        look.blend(rgb, 31, 37)
        got = yuv420(bg)
        look.blend_yuv(luma_chroma(got, w, h), 31, 37)
        d = [np.abs(a.astype(int) - b).max() for a, b in zip(split(got, w, h), split(yuv420(rgb), w, h))]
        assert d[0] <= 1 and max(d[1:]) <= 4, (t, d)
        filled = rgb[41, 31:328]
        yellow = np.abs(filled.astype(int) - (255, 200, 87)).max(axis=1) < 40
        assert abs(yellow.sum() - 297 * t / 10) <= 3, t
        if 0 < t < 10:      # the filled part is at the reading start
            assert yellow[-1 if rtl else 0] and not yellow[0 if rtl else -1]
    assert len(bars) == 2
    assert edges == sorted(edges, reverse=rtl)


def test_rendering_for_the_encoder_composes_in_yuv_and_makes_no_rgb(project):
    """With the encoder's conversion, the compositor blends resting and moving sprites on yuv420p planes
    (drifting gradient, shapes, text, pill captions, a progress bar, transitions): no frame's RGB is
    made, and each is the RGB compositor's frame converted: within 2 levels of luma (PSNR above 55 dB)
    outside transitions; within a slide's seam (PSNR above 45 dB) inside them."""
    from reelforge.encode import Converted
    tl = _timeline(project)
    convert = YuvFrames()
    fast, plain = Compositor(tl, convert=convert), Compositor(tl)
    fps, (w, h) = tl.platform.fps, (tl.platform.width, tl.platform.height)
    count = 0
    for k, frame in enumerate(fast.frames()):
        assert isinstance(frame, Converted) and frame._rgb is None, k
        yuv, want = convert(frame), yuv420(np.ascontiguousarray(plain.frame_at(k / fps)))
        if any(abs(k / fps - st.end) < st.transition.duration / 2 + 1 / fps for st in tl.scenes):
            assert _psnr(yuv, want) > 45, k
        else:
            assert _psnr(yuv, want) > 55, k
            assert np.abs(yuv[:w * h].astype(int) - want[:w * h]).max() <= 2, k
        count += 1
    assert count == fast.frame_count()
    # a frame asked for as RGB (a cover picture, a preview) is made from the same YUV
    rgb = fast.frame_at(1.0)
    assert rgb.shape == (h, w, 3) and _psnr(yuv420(np.ascontiguousarray(rgb)), convert(fast._frame(1.0))) > 45
    fast.close()
    plain.close()


def test_text_dipped_in_yuv_is_the_rgb_dip_converted_and_text_over_text_fades_as_drawn():
    """A transition's dip, rendering for the encoder: text sprites apart are blended on the scene's
    yuv420p at the dip's opacity; text over text (a caption over the one before it) is faded as drawn, the
    lower one hidden under the upper one, never showing through it."""
    from PIL import Image, ImageDraw

    from reelforge.encode import Converted
    from reelforge.transitions import _with_text

    def label(color):
        img = Image.new("RGBA", (120, 40), (0, 0, 0, 0))
        ImageDraw.Draw(img).rounded_rectangle((0, 0, 119, 39), radius=8, fill=color)
        return Sprite(np.asarray(img))

    class Layer:
        def __init__(self, sprite, x, y):
            self.sprite, self.x, self.y = sprite, x, y

        def look(self, t, size):
            return (self.sprite, self.x, self.y)

        def draw(self, frame, t):
            return self.sprite.blend(frame, self.x, self.y)

    class Drawer:
        layers = [Layer(label((250, 200, 60, 255)), 20, 30), Layer(label((20, 40, 200, 230)), 30, 40),
                  Layer(label((240, 240, 240, 255)), 10, 120)]

    w, h = 200, 180
    base = gradient(w, h, (20, 60, 120), (240, 120, 40), "diagonal")
    for text, yuv_made in (([0, 2], True), ([0, 1, 2], False)):
        convert = YuvFrames()
        want = yuv420(np.ascontiguousarray(_with_text(Drawer, base, 0.0, text, 0.4)))
        got = _with_text(Drawer, Converted(yuv420(base), w, h), 0.0, text, 0.4, convert)
        assert isinstance(got, Converted) == yuv_made
        assert np.abs(convert(got).astype(int) - want.astype(int)).max() <= 2, text


def test_a_scaled_sprite_is_its_ink_cut_from_the_whole_images_resize():
    """`pop` and zoom poses scale only the ink's rectangle (and the filter's reach), not the transparent
    margins: the same pixels as resizing the whole image, up to rounding (premultiplied colour within 2
    levels, alpha within 1; colour itself only where alpha is too small to show it), and no ink lost."""
    rng = np.random.default_rng(1)
    premultiplied = lambda a: np.concatenate([a[..., :3].astype(int) * a[..., 3:] // 255, a[..., 3:]], -1)
    for _ in range(150):
        h, w = rng.integers(20, 300, 2)
        rgba = np.zeros((h, w, 4), np.uint8)
        y0, x0 = rng.integers(0, h - 5), rng.integers(0, w - 5)
        y1, x1 = rng.integers(y0 + 1, h + 1), rng.integers(x0 + 1, w + 1)
        rgba[y0:y1, x0:x1] = rng.integers(0, 256, (y1 - y0, x1 - x0, 4))
        s = rng.uniform(0.3, 2.5)
        nw, nh = max(1, round(w * s)), max(1, round(h * s))
        whole = np.asarray(Image.fromarray(rgba).resize((nw, nh), Image.BILINEAR))
        part, dx, dy = scaled_ink(rgba, None, nw, nh)
        assert part.shape[0] * part.shape[1] <= nw * nh
        got = np.zeros_like(whole)
        got[dy:dy + part.shape[0], dx:dx + part.shape[1]] = part
        assert np.abs(premultiplied(got) - premultiplied(whole)).max() <= 2, (h, w, s)
        assert np.abs(got[..., 3].astype(int) - whole[..., 3]).max() <= 1, (h, w, s)
        assert whole[..., 3].sum() - whole[dy:dy + part.shape[0], dx:dx + part.shape[1], 3].sum() == 0


def test_poses_that_round_to_the_same_size_show_the_same_scaled_sprite():
    """The last frames of a `pop` ease often round to the same size: they show the very sprite resized
    for the frame before (prepared once, and the frame itself reused), at the same place; a new size is
    resized anew, as a whole resize of the sprite would be."""
    from reelforge.animation import Pose
    from reelforge.compose import posed
    from reelforge.layers import Faded, Placed
    rgba = np.zeros((40, 120, 4), np.uint8)
    rgba[5:35, 10:110] = (250, 200, 80, 255)
    c = Placed(Sprite(rgba), 30, 50)
    a, b, d = posed(c, Pose(scale=0.9901)), posed(c, Pose(scale=0.9904)), posed(c, Pose(scale=0.95))
    assert a[0] is b[0] and a[1:] == b[1:]
    assert d[0] is not a[0] and d[0].rgba.shape[1] < a[0].rgba.shape[1]
    faded = posed(c, Pose(scale=0.95, alpha=0.5))
    assert isinstance(faded[0], Faded) and faded[0].sprite is d[0] and faded[1:] == d[1:]
    whole = np.asarray(Image.fromarray(rgba).resize((114, 38), Image.BILINEAR))
    part, dx, dy = scaled_ink(rgba, None, 114, 38)
    assert np.array_equal(d[0].rgba, part) and d[1:] == (30 + 3 + dx, 50 + 1 + dy)
    assert whole[..., 3].sum() == part[..., 3].sum()
