"""rhythm: no scene whose voiceover in one language runs much longer than in another."""
from __future__ import annotations

from typing import Mapping

from ..errors import Problem
from ..model import Script


def rhythm(script: Script, lines: Mapping, share: float = 0.25) -> list[tuple[int, str]]:
    """(scene index, what) for scenes whose voiceover in one language runs much longer than in another."""
    out = []
    langs = [lang for lang in lines if lines[lang]]
    for i, scene in enumerate(script.scenes):
        durs = {lang: lines[lang][scene.id].duration for lang in langs if scene.id in lines[lang]}
        if len(durs) < 2:
            continue
        lo, hi = min(durs, key=durs.get), max(durs, key=durs.get)
        if durs[hi] > durs[lo] * (1 + share):
            out.append((i, f"the {hi} voiceover ({durs[hi]:.1f} s) runs {100 * (durs[hi] / durs[lo] - 1):.0f}% longer "
                           f"than the {lo} one ({durs[lo]:.1f} s); keep both cuts in rhythm"))
    return out


class Rhythm:
    name = "rhythm"
    settings = {"rhythm_share": 0.4}         # how much longer one language may run than another

    def check(self, ctx):
        for i, what in rhythm(ctx.script, ctx.lines, ctx.settings["rhythm_share"]):
            scene = ctx.script.scenes[i]
            yield Problem(ctx.file, scene.line, 1, f"scenes[{i}] ({scene.id})", what)


RULE = Rhythm()
