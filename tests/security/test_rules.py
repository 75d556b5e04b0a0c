"""Architecture rules checked on the source, like a linter (ARCHITECTURE.md §2, §3, §5).

1. Code that acts for a user never queries a model directly: every read starts from
   ``Model.objects.visible_to(user)`` / ``changeable_by(user)`` (usually inside a selector) and every
   write is a service. The rule is keyed on what the code does, not on its file's name: a module that
   answers requests (a function taking ``request``, a class with ``get_queryset`` or HTTP handlers) or
   declares tasks, and any function anywhere that takes a ``user`` or ``viewer`` (it reads on someone's
   behalf). There ``X.objects.<anything else>``, ``X._default_manager``, ``X._base_manager`` and
   ``get_object_or_404(X, ...)`` on a model class are offenders.
2. Nowhere in the project code: ``datetime.now()``, ``datetime.utcnow()``, ``datetime.today()``,
   ``date.today()``. Times are ``django.utils.timezone.now()`` (UTC, aware), days ``timezone.localdate()``.

The checks read the syntax tree, so docstrings and comments do not count.

KNOWN_OFFENDERS is a ratchet: what was there when the rule arrived, each to be fixed by its owner (or, rarely,
a justified exception, with its reason). A new offender fails; so does an entry that no longer occurs
(remove it: the list only shrinks).
"""

import ast
from pathlib import Path

from django.apps import apps

from portal.accounts.scoping import Rule

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "monitoring", "platforms", "upscaling", "incubators")
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SCOPED = {"visible_to", "changeable_by", "history_visible_to", "none"}  # .none() reads nothing
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
HTTP_METHODS = {"get", "post", "put", "patch", "delete", "get_queryset", "get_object"}
TASK_DECORATORS = {"recorded_task", "shared_task", "task"}
ON_BEHALF = {"request", "user", "viewer"}  # a function taking one of these reads for someone

# (path, the offending source line stripped): owner to fix. Shrinks only.
KNOWN_OFFENDERS = {
    ("portal/notifications/selectors.py",
     'return list(PeriodicTask.objects.select_related("crontab", "interval").order_by("name"))'):
        "django-celery-beat's own model: no tenancy to declare; schedule() asks scope.may_see_schedule first",
    ("portal/accounts/selectors.py", "return (AccessAttempt.objects.filter(attempt_time__gte=since)"):
        "django-axes' own model: no tenancy to declare; account_lockouts() asks scope.may_unlock_accounts first",
    # The login throttle (an axes handler): bookkeeping by client address before anyone is signed in, no
    # tenant's data; its pages (the lockout list) read through visible_to.
    ("portal/accounts/lockout.py",
     "return bool(ip_address) and AddressLockout.objects.active(at).filter(ip_address=ip_address).exists()"):
        "login throttle bookkeeping",
    ("portal/accounts/lockout.py", 'last = AddressLockout.objects.filter(ip_address=ip_address).order_by("-locked_at").first()'):
        "login throttle bookkeeping",
    ("portal/accounts/lockout.py",
     "return AddressLockout.objects.active().filter(ip_address=ip_address).first() if ip_address else None"):
        "login throttle bookkeeping",
    ("portal/accounts/lockout.py", "later_success = AccessLog.objects.filter("): "login throttle bookkeeping",
    ("portal/accounts/lockout.py", "return (AccessFailureLog.objects.filter(ip_address=ip_address, attempt_time__gte=since)"):
        "login throttle bookkeeping",
    ("portal/accounts/lockout.py",
     "return AddressLockout.objects.create(ip_address=ip_address, failures=failures, locked_at=at,"):
        "login throttle bookkeeping",
    ("portal/core/middleware.py", "return match is None or not Token.objects.filter(key=match.group(1)).exists()"):
        "DRF's own Token model, no tenancy to declare: whether an API request's header names a real token before "
        "its body is read (the anonymous body limit); reads nothing but existence",
}


def python_files():
    for package in PACKAGES:
        base = ROOT / package
        if not base.exists():
            continue
        for path in sorted(base.rglob("*.py")):
            if "migrations" in path.parts or ".venv" in path.parts or "tests" in path.parts:
                continue
            yield path


def _parents(tree):
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _params(func) -> set[str]:
    a = func.args
    return {p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)}


def _decorator_names(func) -> set[str]:
    names = set()
    for d in func.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        names.add(target.id if isinstance(target, ast.Name) else getattr(target, "attr", ""))
    return names


def serves_users(tree) -> bool:
    """The module answers requests or declares tasks: all of it acts for someone."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            positional = [a.arg for a in node.args.args]
            if positional[:1] == ["request"] or _decorator_names(node) & TASK_DECORATORS:  # a view, a task
                return True
        if isinstance(node, ast.ClassDef) and any(
                isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef)) and b.name in HTTP_METHODS for b in node.body):
            return True
    return False


WRITES = {"create", "update", "delete", "bulk_create", "bulk_update", "save", "get_or_create", "update_or_create",
          "select_for_update", "atomic"}


def _writes(func) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in WRITES
               for n in ast.walk(func))


def _acting_ranges(tree) -> list[tuple[int, int]]:
    """Line ranges of functions that read on someone's behalf: they take a request, user or viewer and write
    nothing (a service that acts on a user, e.g. disabling them, is a write and checks its actor itself)."""
    return [(n.lineno, n.end_lineno) for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and _params(n) & ON_BEHALF
            and ("request" in _params(n) or not _writes(n))]


def unscoped_queries(path: Path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    whole = serves_users(tree)
    ranges = _acting_ranges(tree)
    lines = source.splitlines()
    parents = _parents(tree)

    def acting(lineno):
        return whole or any(a <= lineno <= b for a, b in ranges)

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            parent = parents.get(node)
            grand = parents.get(parent)
            scoped = (isinstance(parent, ast.Attribute) and parent.attr in SCOPED
                      and isinstance(grand, ast.Call) and grand.func is parent)
            if not scoped and acting(node.lineno):
                yield node.lineno, lines[node.lineno - 1].strip()
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if (name in SHORTCUTS and node.args and isinstance(node.args[0], ast.Name)
                    and node.args[0].id[:1].isupper() and acting(node.lineno)):
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


def test_no_unscoped_queries_where_code_acts_for_someone():
    found = {(_rel(path), line): lineno for path in python_files()
             for lineno, line in unscoped_queries(path)}
    new = sorted(f"{path}:{lineno}: {line}" for (path, line), lineno in found.items()
                 if (path, line) not in KNOWN_OFFENDERS)
    assert not new, (
        "unscoped queries in code acting for a user (start from Model.objects.visible_to(user) in a selector, "
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
    # Whatever the file is called: a read for a user in a helper module, a task; a write in a service is not one.
    helper = tmp_path / "figures.py"
    helper.write_text(
        "def totals(*, user, period):\n"
        "    return Filing.objects.filter(period=period)\n"
        "def scoped(*, user, period):\n"
        "    return Filing.objects.visible_to(user).filter(period=period)\n"
        "def disable(*, actor, user):\n"
        "    Token.objects.filter(user=user).delete()\n"
        "def internal(period):\n"
        "    return Filing.objects.filter(period=period)\n", encoding="utf-8")
    assert [n for n, _line in unscoped_queries(helper)] == [2]
    jobs = tmp_path / "jobs.py"
    jobs.write_text("@recorded_task()\ndef run():\n    pass\ndef load():\n    return Period.objects.all()\n",
                    encoding="utf-8")
    assert [n for n, _line in unscoped_queries(jobs)] == [5]
    assert sorted(n for n, _line in naive_clock_calls(sample)) == [7, 8]


# -- tenancy: declared per model, applied by one mechanism (portal/accounts/scoping.py) ------------------
SCOPING = ROOT / "portal" / "accounts" / "scoping.py"


def hand_written_scoping(path: Path):
    """``def visible_to`` / ``def changeable_by`` bodies, path prefix filters and the province-by-dot-count test
    written outside the scoping module."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in {"visible_to", "changeable_by"}:
            yield node.lineno, lines[node.lineno - 1].strip()
        elif isinstance(node, ast.keyword) and node.arg and node.arg.endswith("path__startswith"):
            yield node.lineno, lines[node.lineno - 1].strip()
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "path__startswith" in node.value:
            yield node.lineno, lines[node.lineno - 1].strip()
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "count"
              and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "."):
            yield node.lineno, lines[node.lineno - 1].strip()


def test_tenancy_is_never_written_by_hand():
    found = sorted(f"{_rel(path)}:{lineno}: {line}" for path in python_files() if path != SCOPING
                   for lineno, line in hand_written_scoping(path))
    assert not found, ("scope by the model's declaration (tenancy = ...) and narrow with scoping.within(); ask the "
                       "scope's named predicates:\n" + "\n".join(found))


def test_hand_written_scoping_is_found(tmp_path):
    sample = tmp_path / "models.py"
    sample.write_text(
        "class Q(models.QuerySet):\n"
        "    def visible_to(self, user):\n"
        "        return self.filter(region_path__startswith=user.region.path)\n"
        "def province(scope):\n"
        "    return scope.region_path.count('.') == 1\n"
        "def f(qs, p):\n"
        "    return qs.filter(**{'region__path__startswith': p})\n"
        "def fine(qs, region):\n"
        "    return within(qs, region)\n", encoding="utf-8")
    assert sorted(n for n, _line in hand_written_scoping(sample)) == [2, 3, 5, 7]


def test_every_model_of_the_project_declares_its_tenancy():
    ours = [m for m in apps.get_models() if m.__module__.split(".")[0] in PACKAGES]
    assert len(ours) > 20
    missing = sorted(m._meta.label for m in ours if not isinstance(getattr(m, "tenancy", None), Rule))
    assert not missing, "models without a tenancy declaration (portal.accounts.scoping):\n" + "\n".join(missing)
    unscoped_managers = sorted(m._meta.label for m in ours if not hasattr(m._default_manager, "visible_to"))
    assert not unscoped_managers, "managers without visible_to (use ScopedQuerySet):\n" + "\n".join(unscoped_managers)
