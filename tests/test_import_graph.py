"""Dependencies point one way: no import cycles among our modules, counting imports made
inside functions too (they hide a cycle, they do not remove it), and the apps in layers:
planning, geo and policies know nothing of triage or the pages; triage nothing of the pages;
the demo data and the benchmarks sit on top, and nothing imports them."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "config",
    "leases",
    "planning",
    "geo",
    "policies",
    "triage",
    "dashboard",
    "demo",
    "benchmarks",
)
# What each app may never import (config wires the apps together: URLs, the Celery app).
FORBIDDEN = {
    # A building block under every app: it knows none of them.
    "leases": {"planning", "geo", "policies", "triage", "dashboard", "demo", "benchmarks"},
    "planning": {"triage", "dashboard", "demo", "benchmarks"},
    "geo": {"triage", "dashboard", "demo", "benchmarks"},
    "policies": {"triage", "dashboard", "demo", "benchmarks"},
    "triage": {"dashboard", "demo", "benchmarks"},
    "dashboard": {"demo", "benchmarks"},
    "demo": {"benchmarks", "dashboard"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The first-party modules `name` imports anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in modules else base)
    # `import a.b.c` also runs a and a.b; only the named module is the dependency we mean.
    return {target for target in targets if target in modules and target != name}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the path being walked, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_module_imports_itself_back_through_others():
    modules = _modules()
    graph = {
        name: {target for target in _imports(name, path, modules) if "." in target}
        for name, path in modules.items()
    }
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_check_finds_a_cycle():
    assert _cycle({"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}}) == ["a.x", "a.y", "a.z", "a.x"]
    assert _cycle({"a.x": {"a.y"}, "a.y": set()}) is None


def _layer_breaches(graph: dict[str, set[str]]) -> list[str]:
    return [
        f"{name} imports {target}"
        for name, targets in sorted(graph.items())
        for target in sorted(targets)
        if target.split(".")[0] in FORBIDDEN.get(name.split(".")[0], set())
    ]


def test_the_apps_depend_on_each_other_one_way():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert _layer_breaches(graph) == []


def test_the_layer_check_finds_a_breach():
    assert _layer_breaches({"planning.models": {"triage.case"}, "triage.case": {"planning"}}) == [
        "planning.models imports triage.case"
    ]
