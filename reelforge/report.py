"""OUT/index.html: a static page a reviewer opens in a browser (no network resources)."""
from __future__ import annotations

from html import escape
from pathlib import PurePosixPath
from urllib.parse import quote

from .language import language

CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;background:#f6f5f1;color:#222}
h1{font-size:1.6rem}h2{margin-top:2rem;font-size:1.3rem}h3{font-size:1rem;margin:1rem 0 .5rem}
.row{display:flex;flex-wrap:wrap;gap:1rem}.card{background:#fff;border-radius:8px;padding:.6rem;width:220px;
box-shadow:0 1px 3px #0002}.card img,.card video{width:100%;border-radius:4px;background:#000}
.ok{color:#0a7a3d}.bad{color:#b3261e}.small{font-size:.8rem;color:#555}code{font-size:.8rem}
"""


def url(path: str) -> str:
    """A manifest file path (relative to OUT) as an href/src value: "./" + percent-encoded segments, so
    no name (`javascript:...`, `//host`, `"><script>`) can become a scheme, a host or markup. A path
    that is absolute or climbs out of OUT gives "#"."""
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or "\\" in path or not p.parts:
        return "#"
    return escape("./" + quote(p.as_posix(), safe="/"))


def html(outputs: list[dict], failures: list[dict]) -> str:
    scripts: dict[str, dict[str, list]] = {}
    for o in outputs:
        scripts.setdefault(o["id"], {}).setdefault(o["lang"], []).append(o)
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>reelforge build</title>"
             f"<style>{CSS}</style></head><body><h1>reelforge build: {len(outputs)} videos, "
             f"{len(failures)} failed</h1>"]
    if failures:
        parts.append("<h2 class=\"bad\">Failures</h2><ul>")
        parts += [f"<li><b>{escape(f['name'])}</b>: <code>{escape(f.get('error', ''))}</code></li>" for f in failures]
        parts.append("</ul>")
    for sid, langs in sorted(scripts.items()):
        parts.append(f"<h2>{escape(sid)}</h2>")
        for lang, outs in sorted(langs.items()):
            rtl = ' dir="rtl"' if language(lang).rtl else ""
            parts.append(f"<h3{rtl} lang=\"{escape(lang)}\">{escape(lang)}</h3><div class=\"row\">")
            for o in sorted(outs, key=lambda o: o["platform"]):
                files = {f.rsplit(".", 1)[-1]: f for f in o["files"]}
                check = o.get("check", {})
                status = ("<span class=\"ok\">check ok</span>" if check.get("ok")
                          else "<span class=\"bad\">" + escape("; ".join(check.get("problems", []))) + "</span>")
                track = (f"<track kind=\"subtitles\" srclang=\"{escape(lang)}\" label=\"{escape(lang)}\" "
                         f"src=\"{url(files['vtt'])}\" default>") if "vtt" in files else ""
                subs = " ".join(f"<a href=\"{url(files[k])}\">{k}</a>" for k in ("srt", "vtt") if k in files)
                parts.append(
                    f"<div class=\"card\"><b>{escape(o['platform'])}</b> · {o['duration']:.1f} s<br>"
                    f"<video controls preload=\"none\" poster=\"{url(files['jpg'])}\">"
                    f"<source src=\"{url(files['mp4'])}\" type=\"video/mp4\">{track}</video>"
                    f"<div class=\"small\">{status}<br>subtitles: {subs or 'none'}<br>"
                    f"<a href=\"{url(files['mp4'])}\">mp4</a> · <a href=\"{url(files['jpg'])}\">cover</a> · timing: "
                    f"{escape(', '.join(sorted(set(o.get('timing', {}).values()))) or '-')}</div></div>")
            parts.append("</div>")
    parts.append("</body></html>\n")
    return "".join(parts)
