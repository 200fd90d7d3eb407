"""The import graph of src/annoproj, read with `ast` (nothing is imported): no cycle between
files or packages, no stage importing a later stage, no package importing another's private
names. Imports inside functions count: a lazy import is still a dependency."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "annoproj"

#: The stages in pipeline order; a stage may import only earlier ones (and shared modules).
STAGES = ["data", "translate", "align", "label", "project", "train", "evaluate", "pipeline",
          "report", "bench", "cli"]
RANK = {name: k for k, name in enumerate(STAGES)}
RANK["bench"] = RANK["report"]  # report and bench are side by side
#: Modules below every stage: they import no stage.
SHARED = {"errors", "defaults", "registry", "_proc", "_cache", "_lazy", "_neural", "text_encoder",
          "subwords", "models"}
#: The front doors above everything: the root package (its lazy ``__getattr__``) and api.
FACADES = {"", "api"}
#: (importing package, imported module) pairs allowed against the stage order, with why.
ALLOWED = {
    # trainers score their dev set while training; the metrics depend on data only
    ("train", "annoproj.evaluate"),
    ("train", "annoproj.evaluate.metrics"),
}
#: File cycles known and owned elsewhere (cli/main.py is being split per command on the
#: arch-align branch; remove this entry when that lands).
KNOWN_FILE_CYCLES: list[set[str]] = []


def modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports() -> list[tuple[str, str, str | None, int]]:
    """(importing module, imported module, imported name or None, line) of every import of
    annoproj, at any depth of the file."""
    mods = modules()
    edges = []
    for mod, path in mods.items():
        package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.split(".")[0] != "annoproj":
                    continue
                for alias in node.names:
                    full = f"{target}.{alias.name}"
                    edges.append((mod, full if full in mods else target, alias.name, node.lineno))
            elif isinstance(node, ast.Import):
                edges += [(mod, a.name, None, node.lineno) for a in node.names
                          if a.name.split(".")[0] == "annoproj"]
    return edges


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def dependencies() -> list[tuple[str, str, str | None, int]]:
    """The imports that make a dependency: not those of the root package (the front door,
    loaded with every submodule anyway) nor of a name the root defines (``__version__``)."""
    return [(s, d, n, line) for s, d, n, line in imports()
            if s != "annoproj" and d != "annoproj" and s != d]


def test_no_cycle_between_files():
    graph: dict[str, set[str]] = defaultdict(set)
    for s, d, _, _ in dependencies():
        graph[s].add(d)
    found = [c for c in cycles(graph) if c not in KNOWN_FILE_CYCLES]
    assert not found, f"import cycles between files: {found}"


def test_no_cycle_between_packages():
    graph: dict[str, set[str]] = defaultdict(set)
    for s, d, _, _ in dependencies():
        if package_of(s) != package_of(d):
            graph[package_of(s)].add(package_of(d))
    assert not cycles(graph), f"import cycles between packages: {cycles(graph)}"


def test_no_stage_imports_a_later_stage_and_shared_modules_import_no_stage():
    bad = []
    for s, d, n, line in dependencies():
        a, b = package_of(s), package_of(d)
        if (a, d) in ALLOWED or a in FACADES:
            continue
        if a in SHARED and (b in RANK or b in FACADES):
            bad.append(f"{s}:{line} (shared) imports {d}")
        elif a in RANK and b in RANK and RANK[b] > RANK[a]:
            bad.append(f"{s}:{line} ({a}) imports the later stage {d}")
        elif a in RANK and b in FACADES:
            bad.append(f"{s}:{line} ({a}) imports the front door {d}")
    assert not bad, "\n".join(bad)


def test_every_top_level_module_has_a_place():
    tops = {package_of(m) for m in modules()} - {""}
    assert tops <= set(RANK) | SHARED | FACADES, tops - set(RANK) - SHARED - FACADES


def test_no_package_imports_private_names_of_another():
    bad = [f"{s}:{line} imports {n} from {d}" for s, d, n, line in dependencies()
           if n and n.startswith("_") and not n.startswith("__")
           and not d.endswith("." + n)  # a module (annoproj._proc) is no private name
           and package_of(s) != package_of(d)]
    assert not bad, "\n".join(bad)
