"""The layout shows the architecture: one package per stage, imports pointing one way, small modules.

Every module's imports are read with ``ast`` (lazy ones inside functions count; those under
``if TYPE_CHECKING:`` do not), so a cycle cannot hide behind a function-level import.
"""

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parents[1] / "kg"
STAGES = ("read", "nlp", "learn", "graph", "export")
GLUE = {"kg", "kg.api", "kg.cli", "kg.engine", "kg.pipeline"}
# what each stage may import besides itself, kg.models and kg.errors
ALLOWED = {
    "read": set(),
    "nlp": set(),
    "learn": {"nlp", "read"},
    "graph": {"nlp.names"},  # entity keys: the names the nlp stage gives are the graph's keys
    "export": {"graph"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(KG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(KG.rglob("*.py"))}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING" or \
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def imports_of(name: str) -> set[str]:
    """The kg modules ``name`` imports (anywhere in the file except under ``if TYPE_CHECKING:``)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and _type_checking(node)
            for child in node.body for n in ast.walk(child)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                      for a in node.names}
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_are_read_from_the_files():
    assert "kg.graph" in GRAPH["kg.export.files"]
    assert "kg.pipeline" in GRAPH["kg.engine"]  # a lazy import inside a function counts


def test_no_import_cycle_inside_kg():
    assert cycles(GRAPH) == []


def test_the_graph_never_imports_export():
    bad = {m: sorted(i for i in deps if i.startswith("kg.export"))
           for m, deps in GRAPH.items() if m.startswith("kg.graph")}
    assert {m: d for m, d in bad.items() if d} == {}


def _stage(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


@pytest.mark.parametrize("stage", STAGES)
def test_stages_import_one_way(stage):
    """A stage imports itself, kg.models, kg.errors and the stages before it; never the glue above it."""
    wrong = []
    for name, deps in GRAPH.items():
        if _stage(name) != stage:
            continue
        for dep in deps:
            rest = dep.removeprefix("kg.")
            if dep in {"kg.models", "kg.errors"} or _stage(dep) == stage:
                continue
            if any(rest == a or rest.startswith(a + ".") for a in ALLOWED[stage]):
                continue
            wrong.append(f"{name} -> {dep}")
    assert wrong == []


def test_at_most_eight_modules_at_the_top():
    top = sorted(p.name for p in KG.glob("*.py"))
    assert len(top) <= 8, top
    assert {p.name for p in KG.iterdir() if p.is_dir() and (p / "__init__.py").exists()} >= set(STAGES)


def test_no_module_over_350_lines():
    sizes = {name: len(p.read_text(encoding="utf-8").splitlines()) for name, p in MODULES.items()}
    assert {n: s for n, s in sizes.items() if s > 350} == {}


def test_tests_mirror_the_layout():
    """One test folder per stage (and the command line); test file names unique across folders."""
    tests = Path(__file__).resolve().parent
    for folder in (*STAGES, "cli"):
        assert list((tests / folder).glob("test_*.py")), f"tests/{folder}/ has no tests"
        assert (KG / folder / "__init__.py").exists()
    names = [p.name for p in tests.rglob("test_*.py")]
    assert len(names) == len(set(names)), "a test module name is used twice (pytest imports them by basename)"


def test_every_public_name_imports():
    import kg

    for name in kg.__all__:
        assert getattr(kg, name) is not None, name
    assert kg.KnowledgeGraph.__module__ == "kg.graph.knowledge"
