"""The packages of nxcc_async form layers: no import cycle between packages, none between
modules. Every import counts, at module level or inside a function, ``TYPE_CHECKING`` too."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import nxcc_async

ROOT = Path(nxcc_async.__file__).parent
#: Each package may import only from the packages listed (and from itself).
LAYERS = {
    "nxcc_async._core": set(),
    "nxcc_async.nxcc": {"nxcc_async._core"},
    "nxcc_async.cec": {"nxcc_async._core"},
    "nxcc_async.harvest": {"nxcc_async._core", "nxcc_async.nxcc"},
    "nxcc_async.client": {"nxcc_async._core", "nxcc_async.nxcc", "nxcc_async.harvest"},
    "nxcc_async.webhooks": {"nxcc_async._core", "nxcc_async.nxcc", "nxcc_async.harvest"},
    "nxcc_async.integrations": {
        "nxcc_async._core",
        "nxcc_async.nxcc",
        "nxcc_async.harvest",
        "nxcc_async.client",
    },
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(module: str, path: Path) -> str:
    """The top-level package a module belongs to (``nxcc_async.harvest`` for
    ``nxcc_async.harvest.sinks.csv``); a ``__main__`` script is a node of its own."""
    if path.name == "__main__.py":
        return module
    parts = module.split(".")
    if len(parts) == 2 and path.name != "__init__.py":  # a top-level module: nxcc_async itself
        return parts[0]
    return ".".join(parts[:2])


def imports(path: Path) -> Iterator[str]:
    """Every nxcc_async module ``path`` imports (the project uses absolute imports only)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("nxcc_async"))
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{path}: relative import"
            base = node.module or ""
            if base.startswith("nxcc_async"):
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    yield candidate if candidate in MODULES else base


PATHS = {module_name(p): p for p in ROOT.rglob("*.py")}
MODULES = set(PATHS)


def graph(collapse: bool) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for module, path in PATHS.items():
        source = package_of(module, path) if collapse else module
        for imported in imports(path):
            target = imported if imported in MODULES else imported.rpartition(".")[0]
            if collapse:
                target = package_of(target, PATHS[target])
            if target != source:
                edges.setdefault(source, set()).add(target)
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_between_packages() -> None:
    cycle = find_cycle(graph(collapse=True))
    assert cycle is None, " -> ".join(cycle or [])


def test_no_import_cycle_between_modules() -> None:
    cycle = find_cycle(graph(collapse=False))
    assert cycle is None, " -> ".join(cycle or [])


def test_lower_layers_import_only_what_is_below_them() -> None:
    edges = graph(collapse=True)
    for package, allowed in LAYERS.items():
        extra = {t for t in edges.get(package, set()) if not t.startswith(package)} - allowed
        assert not extra, f"{package} imports {sorted(extra)}"


def test_only_the_top_imports_the_integrations() -> None:
    edges = graph(collapse=True)
    users = {p for p, targets in edges.items() if "nxcc_async.integrations" in targets}
    assert users <= {"nxcc_async.integrations"}, sorted(users)


def test_only_the_cli_imports_the_webhooks() -> None:
    edges = graph(collapse=True)
    users = {p for p, targets in edges.items() if "nxcc_async.webhooks" in targets}
    assert users <= {"nxcc_async.cli"}, sorted(users)


def test_the_checker_sees_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
