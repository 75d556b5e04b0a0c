"""The scorecard pages through real requests: scoping (404 for another region's official and another subject's
officer), the acts posted from the pages, and bounded queries on the round page."""

import pytest

from portal.scorecards import services
from portal.scorecards.models import Entry, Indicator, Objection, Round

from .helpers import build_scheme, register, score_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world):
    register()
    scheme, _r, _c = build_scheme(world.users["city"], world.nantong)
    services.activate_scheme(user=world.users["city"], scheme=scheme)
    rnd = score_round(world.users["city"], scheme.rounds.get(), {world.e_haian.pk: 50, world.e_rugao.pk: 90})
    return scheme, rnd


def test_pages_answer_for_the_authority_and_404_elsewhere(world, login, published):
    scheme, rnd = published
    sheet = rnd.sheets.get(subject_id=world.e_haian.pk)
    urls = [f"/scorecards/schemes/{scheme.pk}/", f"/scorecards/schemes/{scheme.pk}/ranking/",
            f"/scorecards/rounds/{rnd.pk}/", f"/scorecards/sheets/{sheet.pk}/"]
    city = login(world.users["city"])
    for url in urls:
        page = city.get(url)
        assert page.status_code == 200 and "海安甲企业" in page.content.decode() or "考核" in page.content.decode()
    other = login(world.users["other_city"])
    for url in urls:
        assert other.get(url).status_code == 404
    officer = login(world.users["other_enterprise"])
    assert officer.get(f"/scorecards/sheets/{sheet.pk}/").status_code == 404
    assert login(world.users["enterprise"]).get(f"/scorecards/sheets/{sheet.pk}/").status_code == 200


def test_ranking_says_two_decimals_and_tie(world, login, published):
    scheme, _rnd = published
    page = login(world.users["city"]).get(f"/scorecards/schemes/{scheme.pk}/ranking/").content.decode()
    assert "竞争排名" in page and "两位小数" in page


def test_objection_from_the_sheet_page_and_answer(world, login, published):
    _scheme, rnd = published
    sheet = rnd.sheets.get(subject_id=world.e_haian.pk)
    entry = Entry.objects.get(sheet=sheet, indicator__method=Indicator.Method.RATED)
    page = login(world.users["enterprise"]).post(f"/scorecards/sheets/{sheet.pk}/",
                                                 {"action": "object", "entry": entry.pk, "text": "材料漏计"})
    assert page.status_code == 302
    objection = Objection.objects.get()
    assert login(world.users["other_enterprise"]).get(f"/scorecards/objections/{objection.pk}/").status_code == 404
    page = login(world.users["city"]).post(f"/scorecards/objections/{objection.pk}/",
                                           {"decision": "accept", "rating": "100", "answer": "属实"})
    assert page.status_code == 302
    objection.refresh_from_db()
    assert objection.status == Objection.Status.ACCEPTED


def test_frozen_round_refuses_a_rating_posted_to_the_page(world, login, published):
    _scheme, rnd = published
    assert rnd.status == Round.Status.PUBLISHED
    sheet = rnd.sheets.get(subject_id=world.e_haian.pk)
    entry = Entry.objects.get(sheet=sheet, indicator__method=Indicator.Method.RATED)
    login(world.users["city"]).post(f"/scorecards/sheets/{sheet.pk}/", {"entry": entry.pk, "rating": "1",
                                                                       "basis": "改分"})
    entry.refresh_from_db()
    assert entry.rating == 50


def test_round_page_queries_do_not_grow(world, login, published, django_assert_max_num_queries):
    _scheme, rnd = published
    client = login(world.users["city"])
    with django_assert_max_num_queries(20):
        assert client.get(f"/scorecards/rounds/{rnd.pk}/").status_code == 200
