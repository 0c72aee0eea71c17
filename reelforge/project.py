"""Where names resolve: the script's project folder first, then the kits shipped in the package."""
from __future__ import annotations

from pathlib import Path

PACKAGED = Path(__file__).parent / "kits"
KIT_DIRS = ("brand", "templates", "voices")


def project_of(script: Path) -> Path:
    """The nearest ancestor folder of the script that holds brand/, templates/ or voices/."""
    start = script.resolve().parent
    for folder in (start, *start.parents):
        if any((folder / d).is_dir() for d in KIT_DIRS):
            return folder
    return start


def roots(project: Path) -> list[Path]:
    out = [project]
    if PACKAGED.is_dir() and PACKAGED.resolve() != project.resolve():
        out.append(PACKAGED)
    return out


def inside(path: Path, project: Path) -> bool:
    """Is `path` (symbolic links resolved) inside the project or the package's kits?"""
    path = Path(path).resolve()
    return any(path.is_relative_to(root.resolve()) for root in (project, PACKAGED))


def looks_like_path(name: str) -> bool:
    return "/" in name or "\\" in name or name.endswith((".yaml", ".yml"))


def candidates(kind: str, name: str, project: Path) -> list[Path]:
    """Files a name of `kind` (brand | template | voice) may refer to, in search order."""
    rel = {"brand": f"brand/{name}/brand.yaml", "template": f"templates/{name}.yaml",
           "voice": f"voices/{name}.yaml"}[kind]
    return [root / rel for root in roots(project)]


def known(kind: str, project: Path) -> list[str]:
    names = set()
    for root in roots(project):
        if kind == "brand":
            names |= {p.parent.name for p in (root / "brand").glob("*/brand.yaml")}
        else:
            names |= {p.stem for p in (root / {"template": "templates", "voice": "voices"}[kind]).glob("*.yaml")}
    return sorted(names)
