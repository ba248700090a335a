"""The shape of `compiler/`: stages that import one way only, WeasyPrint's internals behind one door.

The import graph is read from the source (imports inside functions too, relative ones
resolved), so an import hidden in a function cannot make a cycle or point up the pipeline.
"""

from __future__ import annotations

import ast
from pathlib import Path

COMPILER = Path(__file__).resolve().parent.parent / "compiler"

# The stages, bottom up: a module may import its own stage and the stages below it, never a
# stage above it, nor another stage of the same rank.
RANKS = {
    "model": 0, "diagnostics": 0, "resources": 0,
    "readers": 1, "checks": 1,
    "transforms": 2,
    "books": 3, "weasyprint_patches": 3,
    "writers": 4,
    "build": 5,
    "cli": 6,
    "__main__": 7,
}
# Libraries that belong to one stage only: where each may be imported.
LIBRARIES = {
    "weasyprint": ("compiler.writers.print", "compiler.weasyprint_patches"),
    "pydyf": ("compiler.writers.print",),
    "ebooklib": ("compiler.writers.epub",),
    "pikepdf": ("compiler.writers.print",),
    "uharfbuzz": ("compiler.writers.print",),
    "markdown": ("compiler.readers",),
    "jinja2": ("compiler.writers",),
    "latex2mathml": ("compiler.writers",),
    "ziamath": ("compiler.writers",),
    "rich": ("compiler.cli",),
    "watchfiles": ("compiler.cli",),
    "distributed": ("compiler.build.dask_engine",),  # only a build given --scheduler imports Dask
    "dask": ("compiler.build.dask_engine",),
}
# WeasyPrint's public API; everything else of it is private.
WEASYPRINT_PUBLIC = {"HTML", "CSS", "Document", "Page", "Attachment", "URLFetcher", "__version__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(COMPILER.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(COMPILER.rglob("*.py"))}


def imports_of(name: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names imported from it, line) of every import in the module."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, [], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [alias.name for alias in node.names]
            submodules = [n for n in names if f"{target}.{n}" in MODULES]
            if submodules:  # `from . import cache`: an import of that module
                found.extend((f"{target}.{n}", [], node.lineno) for n in submodules)
            others = [n for n in names if n not in submodules]
            if others or not submodules:
                found.append((target, others, node.lineno))
    return found


GRAPH = {name: [(target, names, line) for target, names, line in imports_of(name)] for name in MODULES}


def stage(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_module_belongs_to_a_stage():
    assert {stage(name) for name in MODULES} - {"__init__"} <= set(RANKS)


def test_no_import_points_up_the_pipeline_or_across_it():
    wrong = []
    for name, imports in GRAPH.items():
        for target, _, line in imports:
            if not target.startswith("compiler.") or stage(name) == stage(target) or stage(target) == "__init__":
                continue
            if RANKS[stage(target)] >= RANKS.get(stage(name), 0):
                wrong.append(f"{MODULES[name].relative_to(COMPILER.parent)}:{line}: {name} imports {target}")
    assert wrong == []


def test_the_module_graph_has_no_cycle():
    edges = {name: sorted({target for target, _, _ in imports if target in MODULES and target != name})
             for name, imports in GRAPH.items()}
    state: dict[str, int] = {}  # 1: on the path, 2: done
    cycles = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in edges[name]:
            if state.get(target) == 1:
                cycles.append(" → ".join(path[path.index(target):] + [name, target]) if target in path
                              else f"{name} → {target}")
            elif target not in state:
                visit(target, path + [name])
        state[name] = 2

    for name in MODULES:
        if name not in state:
            visit(name, [])
    assert cycles == []


def test_libraries_are_imported_only_by_their_stage():
    wrong = []
    for name, imports in GRAPH.items():
        for target, _, line in imports:
            library = target.split(".")[0]
            if library in LIBRARIES and not name.startswith(LIBRARIES[library]):
                wrong.append(f"{name}:{line} imports {target}")
    assert wrong == []


def test_only_the_patches_package_reaches_into_weasyprint_private_modules():
    wrong = []
    for name, imports in GRAPH.items():
        if name.startswith("compiler.weasyprint_patches"):
            continue
        for target, names, line in imports:
            if target.startswith("weasyprint.") or (target == "weasyprint" and set(names) - WEASYPRINT_PUBLIC):
                wrong.append(f"{name}:{line} imports {target} {names}")
    assert wrong == []


def test_only_the_print_writer_uses_the_patches():
    users = {name for name, imports in GRAPH.items() for target, _, _ in imports
             if target.startswith("compiler.weasyprint_patches") and not name.startswith("compiler.weasyprint_patches")}
    assert users and all(name.startswith("compiler.writers.print") for name in users), users


def test_the_graph_sees_imports_inside_functions_and_relative_ones():
    """The checks above are not vacuous: the graph holds the imports a build makes only when it
    renders (inside a function, relative), and the rank rule rejects an arrow up the pipeline."""
    targets = {target for target, _, _ in GRAPH["compiler.build.chapter"]}
    assert {"compiler.writers.print.pdf", "compiler.build.cache", "compiler.transforms"} <= targets
    assert RANKS[stage("compiler.writers.html")] > RANKS[stage("compiler.transforms.images")]


def test_every_module_and_public_function_says_what_it_is_for():
    """A newcomer reads a module's first lines and each public function's first line."""
    missing = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not ast.get_docstring(tree):
            missing.append(name)
        missing.extend(f"{name}.{node.name}" for node in tree.body
                       if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")
                       and not ast.get_docstring(node))
    assert missing == []
