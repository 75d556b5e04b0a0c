"""The import graph of the project's own modules (docs/architecture.md §1).

- No cycle between modules, counting every import wherever it stands (a function-local import is still an
  edge: it only hides the cycle from the interpreter until the function runs).
- ``portal/`` never imports a domain app: domain apps contribute what the core must know of them through
  ``portal.core.registry``.
- ``tasks.py`` is the top floor: nothing imports a tasks module; work is queued by the task's name.

The graph is read from the syntax tree, so strings and comments don't count.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("portal", "monitoring", "platforms", "upscaling", "incubators")
DOMAIN_APPS = ("monitoring", "platforms", "upscaling", "incubators")


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found[module_name(path)] = path
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an import names (the longest dotted prefix that is one)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    base = module.split(".") if is_package else module.split(".")[:-1]
    targets: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                prefix = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                prefix = node.module or ""
            names = [f"{prefix}.{alias.name}" for alias in node.names] + [prefix]
        for name in names:
            target = _resolve(name, modules)
            if target and target != module and not modules[target].name == "__init__.py":
                targets.add(target)
            elif target and modules[target].name == "__init__.py" and name == target and target != module:
                targets.add(target)
    return targets


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycles(graph):
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_portal_never_imports_a_domain_app(graph):
    found = sorted(f"{source} → {target}" for source, targets in graph.items() if source.startswith("portal")
                   for target in targets if target.split(".")[0] in DOMAIN_APPS)
    assert not found, "portal/ imports a domain app (contribute through portal.core.registry):\n" + "\n".join(found)


def test_nothing_imports_a_tasks_module(graph):
    found = sorted(f"{source} → {target}" for source, targets in graph.items()
                   for target in targets if target.rsplit(".", 1)[-1] == "tasks" and not source.endswith(".tasks"))
    assert not found, "tasks modules are the top floor (queue by name: portal.core.jobs.enqueue):\n" + "\n".join(found)


def test_the_checks_find_what_they_are_for():
    """The detector itself, on a small made-up graph."""
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []
