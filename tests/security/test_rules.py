"""Architecture rules checked on the source, like a linter (ARCHITECTURE.md §2, §3, §5).

1. Views, API modules, exports and tasks never query a model directly: every read starts from
   ``Model.objects.visible_to(user)`` / ``changeable_by(user)`` (usually inside a selector) and every
   write is a service. So ``X.objects.<anything else>``, ``X._default_manager``, ``X._base_manager`` and
   ``get_object_or_404(X, ...)`` on a model class are offenders there.
2. Nowhere in the project code: ``datetime.now()``, ``datetime.utcnow()``, ``datetime.today()``,
   ``date.today()``. Times are ``django.utils.timezone.now()`` (UTC, aware), days ``timezone.localdate()``.

The checks read the syntax tree, so docstrings and comments do not count.

KNOWN_OFFENDERS is a ratchet: what was there when the rule arrived, each to be fixed by its owner (or, rarely,
a justified exception, with its reason). A new offender fails; so does an entry that no longer occurs
(remove it: the list only shrinks).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "monitoring", "platforms", "upscaling", "incubators")
THIN_MODULES = ("views.py", "api.py", "exports.py", "tasks.py")
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SCOPED = {"visible_to", "changeable_by", "none"}  # .none() reads nothing
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}

# (path, the offending source line stripped): owner to fix. Shrinks only.
KNOWN_OFFENDERS = {
}


def python_files(names=None):
    for package in PACKAGES:
        base = ROOT / package
        if not base.exists():
            continue
        for path in sorted(base.rglob("*.py")):
            if "migrations" in path.parts or ".venv" in path.parts:
                continue
            if names is None or path.name in names or path.parent.name in {n[:-3] for n in names}:
                yield path


def _parents(tree):
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def unscoped_queries(path: Path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    parents = _parents(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            parent = parents.get(node)
            grand = parents.get(parent)
            scoped = (isinstance(parent, ast.Attribute) and parent.attr in SCOPED
                      and isinstance(grand, ast.Call) and grand.func is parent)
            if not scoped:
                yield node.lineno, lines[node.lineno - 1].strip()
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in SHORTCUTS and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id[:1].isupper():
                yield node.lineno, lines[node.lineno - 1].strip()


def naive_clock_calls(path: Path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        func = node.func
        owner = func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
        if (owner_name == "datetime" and func.attr in {"now", "utcnow", "today"}) or (
                owner_name == "date" and func.attr == "today"):
            yield node.lineno, lines[node.lineno - 1].strip()


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_unscoped_queries_in_views_api_exports_tasks():
    found = {(_rel(path), line): lineno for path in python_files(THIN_MODULES)
             for lineno, line in unscoped_queries(path)}
    new = sorted(f"{path}:{lineno}: {line}" for (path, line), lineno in found.items()
                 if (path, line) not in KNOWN_OFFENDERS)
    assert not new, (
        "unscoped queries in views/api/exports/tasks (start from Model.objects.visible_to(user) in a selector, "
        "write through a service):\n" + "\n".join(new))
    fixed = sorted(f"{path}: {line}" for path, line in KNOWN_OFFENDERS if (path, line) not in found)
    assert not fixed, "fixed offenders still listed in KNOWN_OFFENDERS (remove them):\n" + "\n".join(fixed)


def test_no_naive_clock():
    found = sorted(f"{_rel(path)}:{lineno}: {line}" for path in python_files() for lineno, line in
                   naive_clock_calls(path))
    assert not found, "use django.utils.timezone.now() / localdate():\n" + "\n".join(found)


def test_the_checks_catch_what_they_are_for(tmp_path):
    """The rule itself: a sample view with each kind of offender, and the allowed forms."""
    sample = tmp_path / "views.py"
    sample.write_text(
        "from datetime import date, datetime\n"
        "def bad(request, pk):\n"
        "    a = Enterprise.objects.all()\n"
        "    b = Enterprise.objects.filter(pk=pk)\n"
        "    c = get_object_or_404(Enterprise, pk=pk)\n"
        "    d = Enterprise._default_manager.get(pk=pk)\n"
        "    e = datetime.now()\n"
        "    g = date.today()\n"
        "def good(request, pk):\n"
        "    '''Enterprise.objects.all() in a docstring is fine'''\n"
        "    a = Enterprise.objects.visible_to(request.user).filter(pk=pk)\n"
        "    b = Enterprise.objects.changeable_by(request.user)\n"
        "    c = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)\n"
        "    d = Enterprise.objects.none()\n"
        "    # Enterprise.objects.all() in a comment is fine\n",
        encoding="utf-8",
    )
    assert sorted(n for n, _line in unscoped_queries(sample)) == [3, 4, 5, 6]
    assert sorted(n for n, _line in naive_clock_calls(sample)) == [7, 8]
