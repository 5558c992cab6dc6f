"""Import direction, read from the source with `ast` (nothing is imported to check it).

Every import counts — at the top, inside functions, and under `if TYPE_CHECKING:`. Imports
under TYPE_CHECKING never run, so they count for the layer rules (except where a rule says
"at run time") but not for circles. A package's `__init__.py` is a module of its own, and
importing `a.b.c` runs `a` and `a.b` first, so it depends on them too — unless the importer
lives inside them (a package is always initialised before its own modules run)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The app's packages and the benchmarks, and tests/ for what tests may import: all walked for
# circles, layer rules and imports that name no file.
APP = ("models", "exports", "charts", "layouts", "callbacks", "dash_app", "notifications")
WALKED = (*APP, "benchmarks", "tests")

DASH = ("dash", "dash_bootstrap_components", "dash_ag_grid")
FLASK = ("flask", "flask_login", "flask_wtf", "flask_caching", "flask_limiter")
DATABASE = ("sqlalchemy", "alembic")


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name of the file that imports
    target: str  # dotted name as written (absolute), e.g. "models.store.db" or "dash.html"
    line: int
    type_checking: bool
    from_name: bool = False  # the "a.b" of `from a import b`: b may be a submodule or a name in a


@dataclass(frozen=True)
class Rule:
    """Modules under any of `layer` may not import any of `forbidden` (a name and everything
    under it); `runtime_only` leaves TYPE_CHECKING imports alone."""

    layer: tuple[str, ...]
    forbidden: tuple[str, ...]
    why: str
    runtime_only: bool = False
    exempt: tuple[str, ...] = ()  # modules of the layer the rule does not bind


RULES = (
    Rule(("models",), (*DASH, *FLASK, "plotly", "exports", "charts", "layouts", "callbacks", "dash_app"),
         "models/ is the domain: no web framework, no plotting, nothing above it"),
    Rule(("charts",), (*DASH, *FLASK, *DATABASE, "models.store", "models.reporting", "models.returns",
                       "models.admin", "exports", "layouts", "callbacks", "dash_app"),
         "charts/ is plotly only: it draws what it is given", runtime_only=True),
    Rule(("layouts",), (*DATABASE, "models.store", "dash_app.database"),
         "layouts/ shape components from data passed in; they never reach the database"),
    Rule(("exports",), (*DASH, *FLASK, "layouts", "callbacks", "dash_app"),
         "exports/ write files from models/ and charts/; they know nothing of the web app"),
    Rule(("notifications",), (*DASH, *FLASK, "plotly", "charts", "layouts", "callbacks", "exports",
                              "dash_app"),
         "notifications/ compose and deliver email from models/; the web app calls them",
         runtime_only=True),
    Rule(("models.rules",), (*DATABASE, "models.store", "models.returns", "models.reporting",
                             "models.admin", "models.catalogue", "models.access"),
         "models/rules is pure: no database and no other part of models/"),
    Rule(("dash_app",), ("callbacks",),
         "only the factory wires the callbacks: callbacks/ import dash_app's other modules",
         exempt=("dash_app.factory",)),
    Rule(APP, ("tests", "benchmarks"),
         "the app never depends on its tests or benchmarks"),
    Rule(("tests",), ("benchmarks",), "tests do not depend on the benchmarks"),
)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports_in(tree: ast.Module, module: str, is_package: bool) -> Iterable[Import]:
    """Every import statement in the tree, with the names it may load as absolute dotted names.
    `from a import b` yields both "a" and "a.b": b may be a submodule."""
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST, type_checking: bool) -> Iterable[Import]:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from visit(child, True)
            for child in node.orelse:
                yield from visit(child, type_checking)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno, type_checking)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            yield Import(module, source, node.lineno, type_checking)
            for alias in node.names:
                if alias.name != "*":
                    yield Import(module, f"{source}.{alias.name}", node.lineno, type_checking, from_name=True)
        for child in ast.iter_child_nodes(node):
            yield from visit(child, type_checking)

    yield from visit(tree, False)


@dataclass
class Tree:
    """The walked source: module name -> path, and every import found in it."""

    root: Path
    modules: dict[str, Path]
    imports: list[Import]

    def local(self, target: str) -> list[str]:
        """The repository modules that importing `target` runs: each existing prefix."""
        parts = target.split(".")
        return [name for i in range(1, len(parts) + 1) if (name := ".".join(parts[:i])) in self.modules]


def read_tree(root: Path, packages: Iterable[str]) -> Tree:
    modules: dict[str, Path] = {}
    imports: list[Import] = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "vendor" in path.relative_to(root).parts:
                continue
            name = _module_name(path, root)
            modules[name] = path
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            imports.extend(_imports_in(tree, name, path.name == "__init__.py"))
    return Tree(root, modules, imports)


def _under(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _where(tree: Tree, imp: Import) -> str:
    path = tree.modules[imp.importer].relative_to(tree.root)
    return f"{path}:{imp.line}"


def unresolved(tree: Tree, packages: Iterable[str]) -> list[str]:
    """Imports of our own packages that name no file — the walk would silently miss them.
    (The b of `from a import b` may be a name defined in a, so only a must be a file.)"""
    problems = []
    for imp in tree.imports:
        if imp.from_name or not _under(imp.target, packages) or imp.target in tree.modules:
            continue
        problems.append(f"{_where(tree, imp)}: {imp.importer} imports {imp.target}, which is no module here")
    return problems


def layer_violations(tree: Tree, rules: Iterable[Rule]) -> list[str]:
    problems = set()
    for rule in rules:
        for imp in tree.imports:
            if (imp.from_name or not _under(imp.importer, rule.layer) or _under(imp.importer, rule.exempt)
                    or (rule.runtime_only and imp.type_checking) or not _under(imp.target, rule.forbidden)):
                continue
            kind = " (under TYPE_CHECKING)" if imp.type_checking else ""
            problems.add(f"{_where(tree, imp)}: {imp.importer} imports {imp.target}{kind} — {rule.why}")
    return sorted(problems)


def graph(tree: Tree) -> dict[str, dict[str, Import]]:
    """Module -> module it runs on import -> the first import that does it. TYPE_CHECKING imports
    never run, so they are left out. A module's own ancestors are left out: they were initialised
    before it ran."""
    edges: dict[str, dict[str, Import]] = {name: {} for name in tree.modules}
    for imp in tree.imports:
        if imp.type_checking:
            continue
        for target in tree.local(imp.target):
            if target == imp.importer or imp.importer.startswith(target + "."):
                continue
            edges[imp.importer].setdefault(target, imp)
    return edges


def circles(tree: Tree) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as one
    concrete chain a -> b -> ... -> a, with the line of each import."""
    edges = graph(tree)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(v: str) -> None:  # recursion depth is bounded by the module count (a few hundred)
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return [_chain(edges, set(c), c[0], tree) for c in sorted(components)]


def _chain(edges: dict[str, dict[str, Import]], component: set[str], start: str, tree: Tree) -> list[str]:
    """One shortest cycle through `start` inside its component (breadth-first), as text."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier and start not in previous:
        following = []
        for v in frontier:
            for w in edges[v]:
                if w in component and w not in previous:
                    previous[w] = v
                    following.append(w)
        frontier = following
    path = [start]
    while (path[-1] != start or len(path) == 1) and path[-1] in previous:
        path.append(previous[path[-1]])
    path.reverse()
    return [f"{a} -> {b}  ({_where(tree, edges[a][b])})" for a, b in pairwise(path)]


@pytest.fixture(scope="module")
def repo() -> Tree:
    return read_tree(ROOT, WALKED)


def test_import_names_resolve_to_files(repo):
    """Each import of our own code names a file, so the checks below see every edge."""
    problems = unresolved(repo, WALKED)
    assert not problems, "\n".join(problems)


def test_no_import_circles(repo):
    found = circles(repo)
    assert not found, "Import circles:\n" + "\n\n".join("\n".join(c) for c in found)


def test_layers_import_downwards_only(repo):
    problems = layer_violations(repo, RULES)
    assert not problems, "Layer rules broken:\n" + "\n".join(problems)


def test_tests_share_code_only_through_tests_helpers(repo):
    """Tests (and the benchmarks) import shared test code only from tests/helpers/; shared
    fixtures come from a conftest. So no module imports a test module or a conftest, and
    collecting one test never runs another's module."""
    problems = [f"{_where(repo, imp)}: {imp.importer} imports {imp.target}" for imp in repo.imports
                if _under(imp.importer, ("tests", "benchmarks")) and imp.target in repo.modules
                and _under(imp.target, ("tests",)) and imp.target != "tests"
                and not _under(imp.target, ("tests.helpers",))]
    assert not problems, "\n".join(problems)


# --- the checker checks: a fake tree with one circle and one forbidden import --------------------

def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def fake_tree(tmp_path):
    _write(tmp_path, {
        "models/__init__.py": "",
        "models/rules/__init__.py": "",
        "models/rules/periods.py": "import datetime\n",
        "models/store/__init__.py": "",
        "models/store/db.py": "def make_engine():\n    from models.store import data_version\n",
        "models/store/data_version.py": "from models.store.entities import DataVersion\n",
        "models/store/entities.py": "from models.store.db import Base\n",
        "charts/__init__.py": "",
        "charts/overview.py": ("from typing import TYPE_CHECKING\nimport plotly\n"
                               "if TYPE_CHECKING:\n    from models.store.entities import Service\n"),
        "layouts/__init__.py": "",
        "layouts/page.py": "def page():\n    from models.store.db import make_engine\n",
        "app/__init__.py": "from app import pages\n",
        "app/pages.py": "from app.access import who\n",
        "app/access.py": "who = 1\n",
    })
    return read_tree(tmp_path, ("models", "charts", "layouts", "app"))


def test_checker_finds_a_circle_hidden_in_a_function(fake_tree):
    found = circles(fake_tree)
    assert len(found) == 1
    assert [line.split("  (")[0] for line in found[0]] == [
        "models.store.data_version -> models.store.entities",
        "models.store.entities -> models.store.db",
        "models.store.db -> models.store.data_version",
    ]
    assert "models/store/db.py:2" in found[0][2]


def test_checker_finds_a_circle_through_a_package_init(fake_tree):
    """app/pages imports app.access, which lives in the package app — its own parent: no circle.
    A module outside the package importing app.access runs app/__init__ first: that can be one."""
    assert not [c for c in circles(fake_tree) if any("app" in line for line in c)]
    _write(fake_tree.root, {"app/__init__.py": "from other import x\n",
                            "other/__init__.py": "", "other/x.py": "from app.access import who\n"})
    tree = read_tree(fake_tree.root, ("app", "other"))
    assert [line.split("  (")[0] for line in circles(tree)[0]] == ["app -> other.x", "other.x -> app"]
    # The same back edge only for type checkers never runs: no circle.
    _write(fake_tree.root, {"other/x.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                          "    from app.access import who\n"})
    assert circles(read_tree(fake_tree.root, ("app", "other"))) == []


def test_checker_finds_forbidden_imports(fake_tree):
    problems = layer_violations(fake_tree, RULES)
    assert len(problems) == 1
    assert problems[0].startswith("layouts/page.py:2: layouts.page imports models.store.db —")
    # charts/ may name a stored type for its hints; the same import at run time is refused.
    _write(fake_tree.root, {"charts/overview.py": "import plotly\nfrom models.store.entities import Service\n"})
    tree = read_tree(fake_tree.root, ("models", "charts", "layouts"))
    assert any(p.startswith("charts/overview.py:2: charts.overview imports models.store.entities")
               for p in layer_violations(tree, RULES))


def test_checker_finds_unresolved_imports(fake_tree):
    _write(fake_tree.root, {"models/rules/periods.py": "from models.rules.nowhere import x\n"})
    tree = read_tree(fake_tree.root, ("models",))
    assert unresolved(tree, ("models",)) == [
        "models/rules/periods.py:1: models.rules.periods imports models.rules.nowhere, which is no module here"]
