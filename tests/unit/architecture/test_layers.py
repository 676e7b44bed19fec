"""The shape of vendorportal/: no import cycles, core imports no feature, pure domains, services that only flush.

The import graph has one edge per `import` statement between two modules of the package, wherever it stands
(module level or inside a function; only `if TYPE_CHECKING:` blocks are left out, as they never run).
`from pkg import name` is an edge to pkg.name when that is a module and to pkg otherwise. Importing a
module also runs its parent packages' __init__ first; those implicit edges are left out, as Python allows
them (a package may import its own submodules) and no statement of ours asks for them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "vendorportal"
CORE_MAY_IMPORT = ("vendorportal.core", "vendorportal.extensions", "vendorportal.config")
# Core modules without Flask, a database session or I/O, which a pure domain may use.
PURE_CORE = {"vendorportal.core.errors", "vendorportal.core.money", "vendorportal.core.rounding"}
DOMAIN_MAY_IMPORT_THIRD_PARTY: set[str] = set()
LOCAL_IMPORT_REASON = "# local import:"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for n in ast.walk(node))
    return skipped


def _function_nodes(tree: ast.AST) -> set[int]:
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(n) for n in ast.walk(node) if n is not node)
    return inside


def _imports(name: str, path: Path):
    """Yield (imported name, import node, is inside a function) for every import statement of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped, inside = _type_checking_nodes(tree), _function_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node, id(node) in inside
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = _package_of(name, path).split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield (full if full in MODULES else base), node, id(node) in inside


def _ours(imported: str) -> str | None:
    while imported and imported not in MODULES:
        imported = imported.rpartition(".")[0]
    return imported or None


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in MODULES.items():
        for imported, _node, _local in _imports(name, path):
            target = _ours(imported) if imported.startswith("vendorportal") else None
            if target and target != name:
                edges[name].add(target)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(MODULES):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_import_graph_has_no_cycle():
    cycles = _cycles(_graph())
    assert cycles == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle():
    edges = defaultdict(set, {"vendorportal.a": {"vendorportal.b"}, "vendorportal.b": {"vendorportal.a"}})
    global MODULES
    saved = MODULES
    MODULES = {**saved, "vendorportal.a": Path("a.py"), "vendorportal.b": Path("b.py")}
    try:
        assert ["vendorportal.a", "vendorportal.b"] in _cycles(edges)
    finally:
        MODULES = saved


def test_core_imports_no_feature_package():
    wrong = []
    for name, targets in _graph().items():
        if name.startswith("vendorportal.core"):
            wrong += [f"{name} -> {t}" for t in targets if not t.startswith(CORE_MAY_IMPORT)]
    assert wrong == []


def test_a_domain_imports_no_flask_no_session_and_no_service():
    wrong = []
    for name, path in MODULES.items():
        if not name.endswith(".domain"):
            continue
        for imported, _node, _local in _imports(name, path):
            top = imported.partition(".")[0]
            if top == "vendorportal":
                target = _ours(imported)
                if not (target.endswith(".domain") or target in PURE_CORE):
                    wrong.append(f"{name} -> {target}")
            elif top in {"flask", "flask_babel", "flask_login", "flask_wtf", "flask_sqlalchemy", "sqlalchemy",
                         "werkzeug", "wtforms", "jinja2", "requests", "psycopg", "smtplib"}:
                wrong.append(f"{name} -> {imported}")
    assert wrong == []


def test_a_function_local_import_of_our_code_says_why():
    unexplained = []
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for imported, node, local in _imports(name, path):
            if local and imported.startswith("vendorportal") and LOCAL_IMPORT_REASON not in lines[node.lineno - 1]:
                unexplained.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {imported}")
    assert sorted(set(unexplained)) == []


def _commits(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"]


def test_services_and_domains_never_commit():
    found = [f"{path.relative_to(PACKAGE.parent)}:{line}"
             for path in sorted(PACKAGE.rglob("*.py")) if path.name in ("services.py", "domain.py")
             for line in _commits(path)]
    assert found == []


EDGE_MODULES = ("views", "cli", "jobs", "edge")  # with vendorportal.api.*, vendorportal.web, vendorportal.app, vendorportal.cli


def _is_edge(module: str) -> bool:
    last = module.rpartition(".")[2]
    return (last in EDGE_MODULES or module.startswith("vendorportal.api") or module in
            ("vendorportal", "vendorportal.web", "vendorportal.app", "vendorportal.cli"))


def test_services_and_models_never_import_the_edge():
    wrong = []
    for name, targets in _graph().items():
        if name.rpartition(".")[2] in ("services", "models", "domain"):
            wrong += [f"{name} -> {t}" for t in targets if _is_edge(t)]
    assert wrong == []


def test_models_import_only_models_domains_and_core():
    wrong = []
    for name, targets in _graph().items():
        if name.endswith(".models"):
            wrong += [f"{name} -> {t}" for t in targets
                      if not (t.endswith((".models", ".domain")) or t.startswith(CORE_MAY_IMPORT))]
    assert wrong == []
