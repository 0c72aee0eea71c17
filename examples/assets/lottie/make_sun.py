"""Writes sun.json (CC0): python examples/assets/lottie/make_sun.py"""
import json

def st(v): return {"a": 0, "k": v}
def kf(frames):  # [(t, value)] eased in/out
    out = []
    for i, (t, v) in enumerate(frames):
        k = {"t": t, "s": v}
        if i < len(frames) - 1:
            n = len(v)
            k["i"] = {"x": [0.45] * n, "y": [1] * n}
            k["o"] = {"x": [0.55] * n, "y": [0] * n}
        out.append(k)
    return {"a": 1, "k": out}
def rgb(h): return [round(int(h[i:i + 2], 16) / 255, 4) for i in (1, 3, 5)] + [1]
def tr(p=(0, 0), r=0, s=(100, 100), o=100):
    return {"ty": "tr", "p": st(list(p)), "a": st([0, 0]), "s": st(list(s)), "r": st(r), "o": st(o), "sk": st(0), "sa": st(0)}
def fill(h, o=100): return {"ty": "fl", "c": st(rgb(h)), "o": st(o), "r": 1, "nm": "fill " + h}
def layer(ind, nm, shapes, ks):
    base = {"o": st(100), "r": st(0), "p": st([100, 100, 0]), "a": st([0, 0, 0]), "s": st([100, 100, 100])}
    base.update(ks)
    return {"ddd": 0, "ind": ind, "ty": 4, "nm": nm, "sr": 1, "ks": base, "ao": 0, "shapes": shapes,
            "ip": 0, "op": 60, "st": 0, "bm": 0}

bounce = kf([(0, [100, 104, 0]), (15, [100, 90, 0]), (30, [100, 104, 0]), (45, [100, 90, 0]), (60, [100, 104, 0])])
rays = [{"ty": "gr", "nm": f"ray {k}", "it": [
    {"ty": "rc", "d": 1, "s": st([12, 22]), "p": st([0, -62]), "r": st(6), "nm": "ray"},
    fill("#FF8A00"), tr(r=k * 45)]} for k in range(8)]
sun = [{"ty": "gr", "nm": "disc", "it": [
    {"ty": "el", "d": 1, "s": st([84, 84]), "p": st([0, 0]), "nm": "disc"}, fill("#FFC83D"), tr()]},
    {"ty": "gr", "nm": "cheek", "it": [
    {"ty": "el", "d": 1, "s": st([26, 26]), "p": st([-16, -14]), "nm": "shine"}, fill("#FFE9A8"), tr()]}]
shadow = [{"ty": "gr", "nm": "shadow", "it": [
    {"ty": "el", "d": 1, "s": st([90, 14]), "p": st([0, 0]), "nm": "shadow"}, fill("#2B2B2B", 25), tr()]}]
doc = {"v": "5.7.4", "fr": 30, "ip": 0, "op": 60, "w": 200, "h": 200, "nm": "bouncing sun", "ddd": 0,
       "assets": [], "meta": {"a": "reelforge", "d": "A bouncing sun, CC0 1.0"},
       "layers": [
           layer(1, "sun", sun[::-1], {"p": bounce}),
           layer(2, "rays", rays, {"p": bounce, "r": {"a": 1, "k": [{"t": 0, "s": [0], "i": {"x": [1], "y": [1]}, "o": {"x": [0], "y": [0]}}, {"t": 60, "s": [45]}]}}),
           layer(3, "shadow", shadow, {"p": st([100, 188, 0]),
                                       "s": kf([(0, [100, 100, 100]), (15, [70, 70, 100]), (30, [100, 100, 100]), (45, [70, 70, 100]), (60, [100, 100, 100])])}),
       ]}
open(__file__.replace("make_sun.py", "sun.json"), "w").write(json.dumps(doc, separators=(",", ":")) + "\n")
