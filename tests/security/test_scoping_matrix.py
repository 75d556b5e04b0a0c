"""The scoping matrix: every URL pattern of the project and its API, for every role of the `world`.

See README.md in this directory for the contract. In short:

- a route without arguments is fetched by every role (and anonymously); the answer is one of
  200/302/400/401/403/404/405, and a 200 (or 400) names no enterprise outside the role's scope
  (FOREIGN_MARKERS);
- a route with arguments must be named in a ``FOREIGN`` table of some ``foreign_*.py`` here, giving for
  each role the kwargs of an object that role may not see; GET and POST to it are refused (403/404, or
  405 for a method the route does not take) and change nothing in the database;
- a route that is neither walked nor listed in EXCLUDED (with its reason) fails the test.
"""

import importlib
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from portal.enterprises import services as enterprise_services
from tests import factories as f

from .full_world import SEEN_BY

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

HERE = Path(__file__).resolve().parent

# Routes not walked, each with its reason.
EXCLUDED_NAMESPACES = {
    "admin": "the Django admin: the system administrator's configuration tool, closed to every other role "
             "and holding no tenant data; its access rules are tested in test_admin.py",
}
EXCLUDED_ROUTES = {
    "set_language": "Django's i18n view: POST-only, stores the language choice in a cookie, shows no data",
    "accounts:password_reset_confirm": "guarded by a signed one-time token, not by scope: a wrong token shows "
                                       "the 'link invalid' page (200) with no data; tested with the accounts",
    "questionnaires:link": "guarded by a one-time token, not by scope: a wrong, used or expired token shows a page "
                           "that says so, with no data; tested in tests/questionnaires/test_engine.py",
    "monitoring:old_bulletins": "a permanent redirect of the links written before bulletins moved to /bulletins/ "
                                "(bulletins:list, which is walked); tested in tests/portal/test_bulletins.py",
    "monitoring:old_bulletin": "a permanent redirect to bulletins:detail (which is walked) of the same id; tested "
                               "in tests/portal/test_bulletins.py",
}
# Unnamed patterns that may exist (static and media files under DEBUG): prefixes of their regex.
EXCLUDED_UNNAMED = ("^static/", "^media/")

# Which roles may see each object's marker (tests/security/full_world.py: enterprise names, product names,
# report and bulletin titles, export jobs, messages). Every other role's pages must not show it.
ROLES = ("province", "city", "other_city", "county", "other_county", "enterprise", "other_enterprise",
         "platform_operator", "base_manager", "system_admin", "security_admin", "audit_admin", "no_role", "anonymous")
FOREIGN_MARKERS = {role: sorted(m for m, seen_by in SEEN_BY.items() if role not in seen_by) for role in ROLES}

# Pages where a role sees markers outside SEEN_BY by design, each with its reason. Keep this short.
EXPOSED_BY_DESIGN = {
    ("audit_admin", "audit:list"): "the audit administrator reads the whole audit trail (三员分立)",
    ("audit_admin", "api:audit-list"): "the audit administrator reads the whole audit trail (三员分立)",
    ("system_admin", "accounts:users"): "the account list names the enterprise an officer's account is bound to "
                                        "(account data, needed to manage the account)",
    ("security_admin", "accounts:users"): "the account list names the enterprise an officer's account is bound "
                                          "to (account data, needed to give and check roles)",
}

# 400: an API list that requires query parameters (checked for leaks like a 200).
NO_ARG_STATUSES = {200, 302, 400, 401, 403, 404, 405}
REFUSED = {403, 404}
ANONYMOUS_REFUSED = {302, 401, 403, 404, 405}

# Sent with every POST to a foreign object, besides the route's own POST_DATA: field names that the
# portal's forms use, with values that would be harmful if accepted.
GENERIC_POST = {
    "name": "被篡改的名称",
    "title": "被篡改的标题",
    "reason": "越权操作",
    "note": "越权操作",
    "approve": "1",
    "active": "0",
    "role": "official",
    "quota": "1",
    "year": "2026",
    "contact_name": "越权",
    "contact_phone": "13000000000",
    "address": "越权地址",
    "username": "intruder",
    "password": "Intruder@12345",
}


# -- the URL walk --------------------------------------------------------------------------------
def walk(resolvers=None, namespace=None, prefix=""):
    """Yield (namespace, name, regex, argument names) for every pattern; namespaces joined by ':'."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        regex = prefix + str(entry.pattern.regex.pattern).lstrip("^")
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = ":".join(p for p in (namespace, ns) if p) or None
            yield from walk(entry.url_patterns, full_ns, regex)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            compiled = re.compile(regex)
            args = set(compiled.groupindex) | ({"*"} if compiled.groups > len(compiled.groupindex) else set())
            yield namespace, name, "^" + regex, args


def routes():
    no_args, with_args, unnamed = [], [], []
    for namespace, name, regex, args in walk():
        if (namespace or "").split(":")[0] in EXCLUDED_NAMESPACES:
            continue
        if name is None:
            if not regex.startswith(EXCLUDED_UNNAMED):
                unnamed.append(regex)
            continue
        if name in EXCLUDED_ROUTES:
            continue
        (with_args if args else no_args).append(name)
    return sorted(set(no_args)), sorted(set(with_args)), unnamed


def foreign_tables():
    """FOREIGN and POST_DATA merged from every tests/security/foreign_*.py."""
    foreign, post_data, owners = {}, {}, {}
    for path in sorted(HERE.glob("foreign_*.py")):
        module = importlib.import_module(f"tests.security.{path.stem}")
        for name, fn in getattr(module, "FOREIGN", {}).items():
            assert name not in foreign, f"{name} is declared in both {owners[name]} and {path.name}"
            foreign[name], owners[name] = fn, path.name
        post_data.update(getattr(module, "POST_DATA", {}))
    return foreign, post_data


def own_tables():
    """OWN merged from every tests/security/foreign_*.py: route name -> world -> [Own(...)]."""
    own, owners = {}, {}
    for path in sorted(HERE.glob("foreign_*.py")):
        module = importlib.import_module(f"tests.security.{path.stem}")
        for name, fn in getattr(module, "OWN", {}).items():
            assert name not in own, f"{name} has OWN entries in both {owners[name]} and {path.name}"
            own[name], owners[name] = fn, path.name
    return own


# Markers that only a page of one object shows (checked there by the OWN tables), each with its reason.
SHOWN_ONLY_ON_OBJECT_PAGES = set()

# Routes with a FOREIGN entry but no OWN entry, each with its reason. It may only shrink.
WITHOUT_OWN = {
    "incubators:import_job": "a tracked job's id exists only once a large file was queued; the uploader's own job page "
                             "is portal.core.jobs' (tested with the registry import)",
    "monitoring:old_file": "a permanent redirect of the old /file/<year>/<month>/ links to monitoring:file (which has "
                           "its OWN entries); the redirect itself is tested in tests/monitoring/test_periods.py",
}


# -- the data every page could leak ------------------------------------------------------------------
@pytest.fixture
def seeded(world_full):
    """The full world, with rows about every enterprise that pages of a wrong scope could show: audit rows,
    accounts, registrations."""

    world = world_full
    for e in (world.e_haian, world.e_rugao, world.e_jiangning):
        enterprise_services.update_enterprise(actor=world.users["province"], enterprise=e,
                                              data={"address": f"{e.name}所在地"})
    f.officer(world.e_jiangning, username="qiye3")
    for county in (world.haian, world.rugao, world.jiangning):
        f.RegistrationFactory(region=county)
    f.NoticeFactory(title="已发布的通知")
    return world


def clients(world, login):
    yield "anonymous", Client()
    for role, user in world.users.items():
        yield role, login(user)


def body_text(response) -> str:
    """The response's text, including the cells of a spreadsheet."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in response.get("Content-Type", ""):

        wb = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row if v is not None)
    return content.decode("utf-8", errors="replace")


# The project's data, to prove a refused request changed nothing.
PROJECT_PACKAGES = ("portal.", "monitoring.", "platforms.", "incubators.", "upscaling.")
IGNORED_FIELDS = {"last_login"}


def fingerprint():
    state = {}
    models = [m for m in apps.get_models() if m.__module__.startswith(PROJECT_PACKAGES)] + [Token]
    for model in models:
        if model._meta.label in ("accounts.UserSession",):  # login bookkeeping
            continue
        fields = [fld.attname for fld in model._meta.concrete_fields if fld.attname not in IGNORED_FIELDS]
        state[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return state


# -- the tests ----------------------------------------------------------------------------------------
def test_every_role_has_its_markers(world):
    missing = sorted(set(world.users) - set(ROLES))
    assert not missing, f"roles of the world without an entry in ROLES (test_scoping_matrix.py): {missing}"
    unknown = sorted({role for seen_by in SEEN_BY.values() for role in seen_by} - set(ROLES))
    assert not unknown, f"SEEN_BY (full_world.py) names roles the world does not have: {unknown}"
    assert all(FOREIGN_MARKERS[role] for role in ROLES), "every role has something it may not see"


def test_every_route_is_walked_or_excluded():
    no_args, with_args, unnamed = routes()
    assert not unnamed, f"unnamed URL patterns cannot be walked; name them: {unnamed}"
    assert no_args and with_args
    foreign, _post = foreign_tables()
    uncovered = [name for name in with_args if name not in foreign]
    assert not uncovered, (
        "routes with arguments that no tests/security/foreign_*.py names (add them to the FOREIGN table of "
        f"your app's file): {uncovered}")
    stale = sorted(set(foreign) - set(with_args))
    assert not stale, f"FOREIGN entries for routes that do not exist (or take no arguments): {stale}"


def test_routes_without_arguments_show_nothing_foreign(seeded, login):
    no_args, _with_args, _unnamed = routes()
    problems, shown = [], set()
    for role, client in clients(seeded, login):
        markers = FOREIGN_MARKERS[role]
        for name in no_args:
            url = reverse(name)
            response = client.get(url)
            if response.status_code not in NO_ARG_STATUSES:
                problems.append(f"{role} GET {url} ({name}): {response.status_code}")
                continue
            if response.status_code in (200, 400) and (role, name) not in EXPOSED_BY_DESIGN:
                text = body_text(response)
                leaked = [m for m in markers if m in text]
                if leaked:
                    problems.append(f"{role} GET {url} ({name}) shows {leaked}")
            if response.status_code == 200:
                shown |= {m for m, seen_by in SEEN_BY.items() if role in seen_by and m in body_text(response)}
    assert not problems, "\n".join(problems)
    # A marker that no page shows even to the roles that may see it could not reveal a leak either.
    never = sorted(set(SEEN_BY) - shown - SHOWN_ONLY_ON_OBJECT_PAGES)
    assert not never, f"markers no list page shows to the roles that may see them: {never}"


def test_routes_with_arguments_refuse_foreign_objects(seeded, login):
    _no_args, with_args, _unnamed = routes()
    foreign, post_data = foreign_tables()
    problems, checked = [], 0
    for role, client in clients(seeded, login):
        lookup_role = "no_role" if role == "anonymous" else role
        for name in with_args:
            if name not in foreign:  # reported by test_every_route_is_walked_or_excluded
                continue
            kwargs = foreign[name](seeded, lookup_role)
            if kwargs is None:
                continue
            url = reverse(name, kwargs=kwargs)
            allowed = ANONYMOUS_REFUSED if role == "anonymous" else REFUSED
            payload = {**GENERIC_POST, **(post_data[name](seeded, lookup_role) if name in post_data else {})}
            before = fingerprint()
            get = client.get(url)
            post = client.post(url, payload)
            after = fingerprint()
            checked += 1
            if get.status_code not in allowed | {405}:
                problems.append(f"{role} GET {url} ({name}): {get.status_code}")
            if post.status_code not in allowed | {405}:
                problems.append(f"{role} POST {url} ({name}): {post.status_code}")
            if before != after:
                changed = sorted(label for label in before if before[label] != after.get(label))
                problems.append(f"{role} GET/POST {url} ({name}) changed {changed}")
    assert checked, "no foreign object was checked"
    assert not problems, "\n".join(problems)


def test_every_foreign_route_has_own_entries():
    """A refusal means something only if the same route answers a role that may reach the object."""
    foreign, _post = foreign_tables()
    own = own_tables()
    missing = sorted(set(foreign) - set(own) - set(WITHOUT_OWN))
    assert not missing, f"routes with a FOREIGN entry but no OWN entry (add one next to the FOREIGN table): {missing}"
    stale = sorted(set(WITHOUT_OWN) & set(own))
    assert not stale, f"routes in WITHOUT_OWN that now have OWN entries (remove them from WITHOUT_OWN): {stale}"
    unknown = sorted(set(own) - set(foreign))
    assert not unknown, f"OWN entries for routes without a FOREIGN entry: {unknown}"


def test_routes_with_arguments_answer_roles_that_may_reach_the_object(seeded, login):
    """Each OWN entry: the role gets the documented status, a page shows the object's own marker, and an
    act (POST) changes the database. Each request runs in a savepoint rolled back afterwards, so acts do not
    disturb the entries after them."""

    problems, checked = [], 0
    for name, entries in sorted(own_tables().items()):
        for own in entries(seeded):
            client = login(seeded.users[own.role])
            url = reverse(name, kwargs=own.kwargs)
            with transaction.atomic():
                before = fingerprint() if own.method == "post" else None
                if own.method == "post":
                    response = client.post(url, own.data)
                else:
                    response = client.get(url, own.query)
                checked += 1
                if response.status_code != own.status:
                    problems.append(f"{own.role} {own.method.upper()} {url} ({name}): {response.status_code}, "
                                    f"expected {own.status}")
                elif own.marker and own.marker not in body_text(response):
                    problems.append(f"{own.role} {own.method.upper()} {url} ({name}) does not show {own.marker!r}")
                elif not own.marker and before is not None and fingerprint() == before:
                    problems.append(f"{own.role} POST {url} ({name}) changed nothing")
                transaction.set_rollback(True)
    assert checked, "no OWN entry was checked"
    assert not problems, "\n".join(problems)
