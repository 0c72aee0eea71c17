"""Extension points. Each is a registry of named plugins: the built-ins, plus whatever installed
packages declare under the Python entry point group of the same name.

Built-ins use exactly the same mechanism as third-party plugins: each is an entry point
(`name = "module:attribute"`) loaded on first use, so a plugin is one file and one line in its
package's `pyproject.toml`:

    [project.entry-points."reelforge.tts"]
    piper = "reelforge_piper:ENGINE"

| group                   | a plugin is                                  | built-ins                          |
| ----------------------- | -------------------------------------------- | ---------------------------------- |
| `reelforge.tts`         | a speech engine (`tts/__init__.py`)          | espeak, gtts, edge, piper, recorded |
| `reelforge.elements`    | an element kind (`elements/__init__.py`)     | text, image, video, shape, logo,   |
|                         |                                              | lottie, svg, line, progress, counter |
| `reelforge.captions`    | a caption style (`captions/__init__.py`)     | block, karaoke, word, pill, pop, bounce |
| `reelforge.transitions` | a scene transition (`transitions.py`)        | cut, fade, slide, wipe, zoom       |
| `reelforge.animations`  | an enter/exit animation (`animation.py`)     | none, fade, slide-*, pop, words, rise, pop-words, slide-words, sweep, underline |
| `reelforge.lint`        | a brand/accessibility rule (`lint/`)         | contrast, safe-area, ...           |

A plugin that declares `options` (a `reelforge.config.options.Schema`) gets its YAML options
validated with `file:line:col` positions and described in `reelforge schema`, like a built-in.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Iterator, Mapping

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint


_DECLARED = None     # every installed entry point, read once


def declared(group: str):
    """Installed entry points of one group. The installed packages' metadata is scanned once for all
    groups (a scan per group cost ~20 ms, six times per command); `select` filters in memory."""
    global _DECLARED
    if _DECLARED is None:
        from importlib.metadata import entry_points     # 30 ms to import, and only needed for plugins
        _DECLARED = entry_points()
    return _DECLARED.select(group=group)


class PluginError(Exception):
    """A plugin that is declared but cannot be loaded."""


class Registry(Mapping):
    """name -> plugin object, built-ins first; loaded lazily and once."""

    def __init__(self, group: str, builtins: Mapping[str, str]):
        self.group = group
        self._builtins = dict(builtins)
        self._points: dict[str, EntryPoint] | None = None
        self._loaded: dict[str, object] = {}

    def _entry_points(self) -> dict[str, EntryPoint]:
        if self._points is None:
            from importlib.metadata import EntryPoint
            points = {name: EntryPoint(name, value, self.group) for name, value in self._builtins.items()}
            for ep in declared(self.group):
                points.setdefault(ep.name, ep)       # a plugin never replaces a built-in
            self._points = points
        return self._points

    def __getitem__(self, name: str):
        if name not in self._loaded:
            # a built-in is loaded without scanning the installed packages (no plugin replaces it)
            builtin = self._builtins.get(name)
            ep = None if builtin else self._entry_points()[name]     # KeyError for unknown names
            value = builtin or ep.value
            try:
                if builtin:
                    module, _, attr = builtin.partition(":")
                    self._loaded[name] = getattr(importlib.import_module(module), attr)
                else:
                    self._loaded[name] = ep.load()
            except Exception as exc:                 # a broken plugin names itself, never a traceback
                raise PluginError(f"the {self.group} plugin '{name}' ({value}) cannot be loaded: "
                                  f"{type(exc).__name__}: {exc}") from exc
        return self._loaded[name]

    def __contains__(self, name) -> bool:
        """Known, without loading it (and, for a built-in, without scanning the installed packages)."""
        return name in self._builtins or name in self._entry_points()

    def __iter__(self) -> Iterator[str]:
        return iter(self._entry_points())

    def __len__(self) -> int:
        return len(self._entry_points())

    def builtin(self, name: str) -> bool:
        return name in self._builtins

    def builtin_names(self) -> list[str]:
        """The built-ins' names (known without scanning the installed packages)."""
        return list(self._builtins)

    def origin(self, name: str) -> str:
        """Where a plugin comes from: 'built-in' or the distribution that declares it."""
        if self.builtin(name):
            return "built-in"
        dist = getattr(self._entry_points()[name], "dist", None)
        return f"{dist.name} {dist.version}" if dist is not None else self._entry_points()[name].value

    def refresh(self) -> None:
        """Forget what was discovered (tests install plugins at run time)."""
        global _DECLARED
        _DECLARED = None
        self._points = None
        self._loaded.clear()


TTS = Registry("reelforge.tts", {
    "espeak": "reelforge.tts.espeak_engine:ENGINE",
    "gtts": "reelforge.tts.gtts_engine:ENGINE",
    "edge": "reelforge.tts.edge_engine:ENGINE",
    "piper": "reelforge.tts.piper_engine:ENGINE",
    "recorded": "reelforge.tts.recorded:ENGINE",
})
ELEMENTS = Registry("reelforge.elements", {
    name: f"reelforge.elements.{name}:ELEMENT" for name in ("text", "image", "video", "shape", "logo",
                                                            "lottie", "svg", "line", "progress", "counter")
})
CAPTIONS = Registry("reelforge.captions", {
    name: f"reelforge.captions.{name}:STYLE" for name in ("block", "karaoke", "word", "pill", "pop", "bounce")
})
TRANSITIONS = Registry("reelforge.transitions", {
    name: f"reelforge.transitions:{name.upper()}" for name in ("cut", "fade", "slide", "wipe", "zoom")
})
ANIMATIONS = Registry("reelforge.animations", {
    name: f"reelforge.animation:{name.upper().replace('-', '_')}"
    for name in ("none", "fade", "slide-start", "slide-end", "slide-up", "slide-down", "pop", "words",
                 "rise", "pop-words", "slide-words", "sweep", "underline")
})
LINT = Registry("reelforge.lint", {
    name: f"reelforge.lint.{name.replace('-', '_')}:RULE"
    for name in ("contrast", "safe-area", "reading-speed", "line-length", "rhythm", "off-palette", "logo-clear-space",
                 "text-size", "end-card", "duration", "bidi-controls")
})

ALL = (TTS, ELEMENTS, TRANSITIONS, LINT, CAPTIONS, ANIMATIONS)


def refresh() -> None:
    for registry in ALL:
        registry.refresh()
