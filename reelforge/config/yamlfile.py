"""Read a YAML file into plain dicts/lists that remember where each key and value stood.

PyYAML's composer already tracks positions; we keep them on YMap/YList so that every later
check can point at `file:line:col`. Reading problems (missing file, not UTF-8, empty, syntax
error, duplicate key, not a mapping) become Problems, never exceptions of PyYAML's own.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import Problem, ReelforgeError, display
from . import limits

Pos = tuple[int, int]


class YMap(dict):
    """A mapping with `.at` (its own position), `.key_pos[k]` and `.val_pos[k]`."""

    at: Pos = (1, 1)

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.key_pos: dict = {}
        self.val_pos: dict = {}

    def pos(self, key) -> Pos:
        return self.val_pos.get(key, self.key_pos.get(key, self.at))


class YList(list):
    """A list with `.at` and `.item_pos[i]`."""

    at: Pos = (1, 1)

    def __init__(self, *a):
        super().__init__(*a)
        self.item_pos: list[Pos] = []

    def pos(self, i: int) -> Pos:
        return self.item_pos[i] if i < len(self.item_pos) else self.at


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)     # libyaml: 15 times faster, nesting capped at 1,000
_STR_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}


def _mark(node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()
        self.values = 0         # built so far, each alias use counted again

    def build(self, node, depth: int = 0):
        if depth > 100:
            raise ReelforgeError([Problem(self.file, *_mark(node), "", "nesting is too deep")])
        self.values += 1
        if self.values > limits.YAML_VALUES:
            raise ReelforgeError([Problem(self.file, *_mark(node), "", f"more than {limits.YAML_VALUES:,} values "
                                          "with aliases (*name) expanded; that is the limit for one document")])
        if isinstance(node, yaml.MappingNode):
            out = YMap()
            out.at = _mark(node)
            for key_node, val_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(Problem(self.file, *_mark(key_node), "", "merge keys (<<) are not supported"))
                    continue
                # keys stay the text written: `off:`, `no:` or `16:9:` are names here, not YAML 1.1 values
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else self.build(key_node, depth + 1)
                if isinstance(key, (dict, list)):
                    self.problems.append(Problem(self.file, *_mark(key_node), "", "a key must be plain text"))
                    continue
                if key in out:
                    self.problems.append(Problem(self.file, *_mark(key_node), str(key),
                                                 f"duplicate key (first at line {out.key_pos[key][0]})"))
                    continue
                out[key] = self.build(val_node, depth + 1)
                out.key_pos[key] = _mark(key_node)
                out.val_pos[key] = _mark(val_node)
            return out
        if isinstance(node, yaml.SequenceNode):
            out = YList(self.build(n, depth + 1) for n in node.value)
            out.at = _mark(node)
            out.item_pos = [_mark(n) for n in node.value]
            return out
        if node.tag in _STR_TAGS:
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            self.problems.append(Problem(self.file, *_mark(node), "", f"cannot read value: {exc}"))
            return node.value


def read(path: Path):
    """Return the document at `path` as YMap; raise ReelforgeError naming the file on failure."""
    file = display(path)

    def fail(what: str, line: int = 1, col: int = 1):
        raise ReelforgeError([Problem(file, line, col, "", what)])

    try:
        raw = limits.read_capped(path, limits.YAML_BYTES)
    except FileNotFoundError:
        fail("file not found")
    except IsADirectoryError:
        fail("is a folder, not a YAML file")
    except OSError as exc:
        fail(f"cannot read: {exc.strerror}")
    if len(raw) > limits.YAML_BYTES:
        fail(f"the file is larger than {limits.size(limits.YAML_BYTES)}, the limit for a YAML document")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        fail(f"not UTF-8 (byte {raw[exc.start]:#04x}); save the file as UTF-8", line,
             exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1)
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = f"YAML syntax error: {exc.problem}" + (f" ({exc.context})" if exc.context else "")
        fail(what, *((mark.line + 1, mark.column + 1) if mark else (1, 1)))
    except yaml.YAMLError as exc:
        fail(f"YAML error: {exc}")
    except RecursionError:
        fail("YAML nesting is too deep")
    if node is None:
        fail("file is empty; it must hold a YAML mapping")
    builder = _Builder(file)
    try:
        value = builder.build(node)
    except RecursionError:
        fail("YAML nesting is too deep")
    if builder.problems:
        raise ReelforgeError(builder.problems)
    if not isinstance(value, YMap):
        fail(f"the file must hold a YAML mapping (key: value), not {type_name(value)}", *_mark(node))
    return value


def type_name(value) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    return {int: "a number", float: "a number", str: "text", YMap: "a mapping", YList: "a list",
            dict: "a mapping", list: "a list"}.get(type(value), type(value).__name__)
