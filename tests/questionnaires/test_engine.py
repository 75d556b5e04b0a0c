"""The questionnaire and rating engine: the sample, answering once inside the window, validation, verified and
unverified counting, the satisfied rate and its flag, the one-time link, scoping, and the xlsx."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.core.exceptions import NotFound
from portal.notifications.models import Notification
from portal.questionnaires import selectors, services
from portal.questionnaires.models import Invitation, Question, Questionnaire, Response
from portal.questionnaires.services import Contact
from tests import factories as f
from tests.notifications import fixtures

sms_outbox = fixtures.sms_outbox
committed = fixtures.committed

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def satisfaction(world):
    return services.service_satisfaction_questionnaire(region=world.haian)


def start(world, population, *, actor=None, fraction=None, seed=None, **kw):
    kw.setdefault("opens", today())
    kw.setdefault("closes", today() + timedelta(days=10))
    return services.start_campaign(actor=actor or world.users["county"], questionnaire=kw.pop("questionnaire", None)
                                   or satisfaction(world), purpose="platforms.satisfaction", region=world.haian,
                                   population=population, fraction=fraction, seed=seed,
                                   subject_kind="platform", subject_id=world.platform.pk,
                                   subject_label="海安市综合窗口平台", period_label="2026年第1季度", **kw)


def rating_question(campaign) -> Question:
    return campaign.questionnaire.questions.get(kind=Question.Kind.SCALE5)


# -- the sample ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "expected"), [(11, 3), (10, 2), (1, 1), (5, 1), (6, 2), (100, 20), (0, 0)])
def test_the_sample_is_at_least_a_fifth_rounded_up(n, expected):
    sample = services.draw_sample(population=list(range(1, n + 1)))
    assert sample.size == expected
    assert sample.population_size == n


def test_the_sample_counts_distinct_members_only():
    population = [1, 2, 2, 3, 3, 3, Contact("甲", phone="13800000001"), Contact("甲", phone="13800000001")]
    sample = services.draw_sample(population=population, fraction=Decimal("1"))
    assert sample.population_size == 4 and sample.size == 4
    assert len({services.member_key(m) for m in sample.members}) == 4


def test_the_draw_is_random_replayable_and_reaches_everyone():
    population = list(range(1, 51))
    a = services.draw_sample(population=population, seed="seed-a")
    b = services.draw_sample(population=population, seed="seed-b")
    assert a.members != b.members  # two seeds, two draws
    assert services.draw_sample(population=population, seed="seed-a").members == a.members  # replayed
    assert services.draw_sample(population=population).seed != services.draw_sample(population=population).seed
    drawn = set()
    for i in range(200):
        drawn |= set(services.draw_sample(population=population, seed=f"s{i}").members)
    assert drawn == set(population)  # every member can be drawn


def test_a_fraction_outside_zero_to_one_is_refused():
    with pytest.raises(ValidationError, match="抽样比例"):
        services.draw_sample(population=[1, 2], fraction=Decimal("0"))


def test_the_campaign_records_the_draw(world):
    served = [f.EnterpriseFactory(region=world.haian).pk for _i in range(11)]
    campaign = start(world, served + served[:3], fraction=Decimal("0.2"), seed="quarter-1")
    assert (campaign.population_size, campaign.sample_size, campaign.sample_seed) == (11, 3, "quarter-1")
    drawn = sorted(campaign.invitations.values_list("enterprise_id", flat=True))
    assert drawn == sorted(services.draw_sample(population=served, seed="quarter-1").members)


# -- sending ----------------------------------------------------------------------------------------------

def test_officers_get_an_inbox_message_and_contacts_the_one_time_link(world, sms_outbox, committed, settings):
    settings.ENTERPRISE_CONTACT_CHANNELS = ("email", "sms")
    world.e_haian.contact_email, world.e_haian.contact_phone = "contact@haian.example.cn", "13900000000"
    world.e_haian.save()
    campaign = committed(start, world, [world.e_haian.pk, Contact("外部企业", phone="13800000009")])
    officer = world.users["enterprise"]
    message = Notification.objects.get(recipient=officer)
    inv = campaign.invitations.get(enterprise=world.e_haian)
    assert message.link == reverse("questionnaires:answer", args=[inv.pk])
    assert sorted(m.to for m in sms_outbox) == ["13800000009", "13900000000"]
    # The contact gets the link; the officer's own address (by preference) the inbox message's copy.
    assert sorted(m.to[0] for m in mail.outbox) == ["contact@haian.example.cn", officer.email]
    link_mail = next(m for m in mail.outbox if m.to == ["contact@haian.example.cn"])
    assert "/q/" in link_mail.body and "/q/" not in message.link
    tokens = [re.search(r"/q/([\w-]+)/", m.text).group(1) for m in sms_outbox]
    # Only the hash is stored, and each token opens its own invitation.
    assert not Invitation.objects.filter(token_hash__in=tokens).exists()
    assert {selectors.link_invitation(t).pk for t in tokens} == set(campaign.invitations.values_list("pk", flat=True))
    assert campaign.invitations.filter(link_sent_at__isnull=True).count() == 0


def test_an_outsider_needs_a_phone_or_email_and_an_unknown_enterprise_is_refused(world):
    with pytest.raises(ValidationError, match="没有联系电话或电子邮箱"):
        start(world, [Contact("无联系方式")])
    with pytest.raises(ValidationError, match="企业名录中没有"):
        start(world, [999999])


def test_only_an_official_over_the_region_starts_a_campaign(world):
    for role in ("other_county", "enterprise", "platform_operator"):
        with pytest.raises(PermissionDenied):
            start(world, [world.e_haian.pk], actor=world.users[role])


def test_a_draft_questionnaire_or_a_past_window_is_refused(world):
    draft = f.QuestionFactory(questionnaire=f.QuestionnaireFactory(status=Questionnaire.Status.DRAFT)).questionnaire
    with pytest.raises(ValidationError, match="尚未发布"):
        start(world, [world.e_haian.pk], questionnaire=draft)
    with pytest.raises(ValidationError, match="截止日期"):
        start(world, [world.e_haian.pk], opens=today() - timedelta(days=5), closes=today() - timedelta(days=1))


# -- answering ----------------------------------------------------------------------------------------------

def test_an_officer_answers_once_and_the_answer_is_verified(world):
    campaign = start(world, [world.e_haian.pk])
    inv = campaign.invitations.get()
    q = rating_question(campaign)
    response = services.answer(actor=world.users["enterprise"], invitation=inv, answers={q.field_name: "4"})
    assert response.verified and response.channel == Response.Channel.ACCOUNT
    assert response.answers == {str(q.pk): 4}
    with pytest.raises(ValidationError, match="已经填写过"):
        services.answer(actor=world.users["enterprise"], invitation=inv, answers={q.field_name: "5"})
    assert Response.objects.count() == 1


def test_another_enterprise_cannot_answer_from_its_account(world):
    inv = start(world, [world.e_haian.pk]).invitations.get()
    with pytest.raises(NotFound):
        services.answer(actor=world.users["other_enterprise"], invitation=inv, answers={})
    with pytest.raises(NotFound):
        services.answer(actor=world.users["county"], invitation=inv, answers={})


def test_answers_only_inside_the_window(world, time_machine):
    campaign = start(world, [world.e_haian.pk], opens=today() + timedelta(days=2), closes=today() + timedelta(days=5))
    inv = campaign.invitations.get()
    answers = {rating_question(campaign).field_name: "5"}
    with pytest.raises(ValidationError, match="尚未开始"):
        services.answer(actor=world.users["enterprise"], invitation=inv, answers=answers)
    time_machine.move_to(timezone.now() + timedelta(days=7))
    with pytest.raises(ValidationError, match="截止"):
        services.answer(actor=world.users["enterprise"], invitation=inv, answers=answers)
    assert not Response.objects.exists()


def test_validation_messages_are_in_chinese(world):
    questionnaire = f.QuestionnaireFactory()
    scale = f.QuestionFactory(questionnaire=questionnaire, kind=Question.Kind.SCALE5)
    single = f.QuestionFactory(questionnaire=questionnaire, kind=Question.Kind.SINGLE, options=["是", "否"])
    multi = f.QuestionFactory(questionnaire=questionnaire, kind=Question.Kind.MULTIPLE, options=["融资", "用工", "市场"])
    number = f.QuestionFactory(questionnaire=questionnaire, kind=Question.Kind.NUMBER, min_value=0, max_value=100)
    text = f.QuestionFactory(questionnaire=questionnaire, kind=Question.Kind.TEXT, required=False)
    questions = list(questionnaire.questions.all())
    with pytest.raises(ValidationError) as exc:
        services.validate_answers(questions, {scale.field_name: "6", single.field_name: "也许",
                                              multi.field_name: ["融资", "税收"], number.field_name: "101"})
    assert exc.value.message_dict == {scale.field_name: ["请选择五个等级之一。"],
                                      single.field_name: ["请选择给出的选项之一。"],
                                      multi.field_name: ["请只选择给出的选项。"],
                                      number.field_name: ["请填写不大于100的数。"]}
    with pytest.raises(ValidationError) as exc:
        services.validate_answers(questions, {number.field_name: "abc"})
    assert exc.value.message_dict[scale.field_name] == ["此题为必答题。"]
    assert exc.value.message_dict[number.field_name] == ["请填写数字。"]
    clean = services.validate_answers(questions, {scale.field_name: "3", single.field_name: "否",
                                                  multi.field_name: ["市场", "融资"], number.field_name: "1,5",
                                                  text.field_name: " 好 "})
    assert clean == {str(scale.pk): 3, str(single.pk): "否", str(multi.pk): ["融资", "市场"],
                     str(number.pk): "15", str(text.pk): "好"}


# -- the one-time link ------------------------------------------------------------------------------------

def _token(inv) -> str:
    return services.link_token(inv.token_salt)


def test_the_link_works_once_without_login(world):
    campaign = start(world, [Contact("外部企业", email="outside@example.cn")])
    inv = campaign.invitations.get()
    url = reverse("questionnaires:link", args=[_token(inv)])
    client = Client()
    page = client.get(url)
    assert page.status_code == 200 and "海安市综合窗口平台" in page.text and "海安市" in page.text
    q = rating_question(campaign)
    done = client.post(url, {q.field_name: "5"})
    assert done.status_code == 200 and "感谢" in done.text
    response = Response.objects.get()
    assert response.channel == Response.Channel.LINK and not response.verified and response.answered_by is None
    again = client.post(url, {q.field_name: "1"})
    assert again.status_code == 200 and "已经填写" in again.text
    assert Response.objects.count() == 1


def test_a_link_answer_is_verified_only_by_the_enterprises_own_officer(world):
    campaign = start(world, [world.e_haian.pk, world.e_rugao.pk])
    q = rating_question(campaign)
    own = campaign.invitations.get(enterprise=world.e_haian)
    other = campaign.invitations.get(enterprise=world.e_rugao)
    assert services.answer(actor=world.users["enterprise"], token=_token(own), answers={q.pk: 5}).verified
    assert not services.answer(actor=world.users["enterprise"], token=_token(other), answers={q.pk: 5}).verified


@pytest.mark.parametrize("token", ["nonsense", "x" * 300, "a" * 43, "中文", "x%20y"])
def test_a_bad_token_says_so_and_never_errors(world, token):
    start(world, [world.e_haian.pk])
    response = Client().get(f"/q/{token}/")
    assert response.status_code == 404 and "链接无效" in response.text
    assert Client().post(f"/q/{token}/", {"q1": "5"}).status_code == 404
    assert not Response.objects.exists()


@pytest.mark.parametrize("path", ["/q/%00/", "/q/../../etc/", "/q//", "/q/a/b/"])
def test_a_malformed_link_never_errors(world, path):
    assert Client().get(path).status_code in (400, 404)


def test_an_expired_link_says_so(world, time_machine):
    campaign = start(world, [Contact("外部企业", phone="13800000001")], closes=today() + timedelta(days=1))
    url = reverse("questionnaires:link", args=[_token(campaign.invitations.get())])
    time_machine.move_to(timezone.now() + timedelta(days=3))
    page = Client().post(url, {rating_question(campaign).field_name: "5"})
    assert page.status_code == 200 and "已经截止" in page.text
    assert not Response.objects.exists()


# -- results -------------------------------------------------------------------------------------------

def _answered(world, levels_verified, levels_outside, silent=0):
    enterprises = [f.EnterpriseFactory(region=world.haian) for _l in levels_verified]
    officers = [f.officer(e) for e in enterprises]
    outsiders = [Contact(f"外部{i}", phone=f"1380000{i:04d}") for i in range(len(levels_outside) + silent)]
    campaign = start(world, [e.pk for e in enterprises] + outsiders)
    q = rating_question(campaign)
    for e, officer, level in zip(enterprises, officers, levels_verified, strict=True):
        services.answer(actor=officer, invitation=campaign.invitations.get(enterprise=e), answers={q.pk: level})
    for c, level in zip(outsiders, levels_outside, strict=False):
        inv = campaign.invitations.get(contact_phone=c.phone)
        services.answer(token=_token(inv), answers={q.pk: level})
    return campaign


def test_satisfied_is_the_top_two_levels_over_verified_answers_and_the_flag(world):
    # verified: 5, 4, 3, 2 → 2 of 4 satisfied (50%); outsiders: 5, 5 → all answers 4 of 6; 2 silent.
    campaign = _answered(world, [5, 4, 3, 2], [5, 5], silent=2)
    res = selectors.results(campaign)
    assert (res.invited, res.answered, res.answered_verified, res.unverified) == (8, 6, 4, 2)
    assert res.response_rate == Decimal("0.7500")
    assert res.satisfied_rate == Decimal("0.5000")
    assert res.satisfied_rate_all == Decimal("0.6667")
    assert res.flagged
    rows = {r["value"]: (r["all"], r["verified"]) for r in res.rating.rows}
    assert rows == {"5": (3, 1), "4": (1, 1), "3": (1, 1), "2": (1, 1), "1": (0, 0)}


def test_at_the_threshold_is_not_flagged(world):
    res = selectors.results(_answered(world, [5, 5, 4, 4, 1], []))  # 4 of 5 = 80%
    assert res.satisfied_rate == Decimal("0.8000") and not res.flagged


def test_unverified_answers_do_not_lift_the_rate(world):
    res = selectors.results(_answered(world, [1, 2], [5, 5, 5, 5, 5, 5]))
    assert res.satisfied_rate == Decimal("0") and res.flagged


def test_the_appeal_rating_shortcut(world):
    campaign = services.start_rating(actor=world.users["county"], region=world.haian, enterprise_id=world.e_haian.pk,
                                     purpose="appeals.rating", subject_kind="appeal", subject_id=7,
                                     subject_label="诉求 2026-007")
    assert campaign.invitations.count() == 1 and campaign.sample_fraction is None
    services.answer(actor=world.users["enterprise"], invitation=campaign.invitations.get(),
                    answers={rating_question(campaign).pk: 2})
    assert selectors.results(campaign).satisfied_rate == Decimal("0")


# -- pages and scoping ---------------------------------------------------------------------------------------

def test_an_officer_sees_and_answers_only_their_own_invitation(world, login):
    campaign = start(world, [world.e_haian.pk, world.e_rugao.pk])
    own = campaign.invitations.get(enterprise=world.e_haian)
    other = campaign.invitations.get(enterprise=world.e_rugao)
    client = login(world.users["enterprise"])
    page = client.get(reverse("questionnaires:pending"))
    assert page.status_code == 200 and campaign.title in page.text
    assert reverse("questionnaires:answer", args=[own.pk]) in page.text
    assert reverse("questionnaires:answer", args=[other.pk]) not in page.text
    q = rating_question(campaign)
    assert client.get(reverse("questionnaires:answer", args=[other.pk])).status_code == 404
    assert client.post(reverse("questionnaires:answer", args=[other.pk]), {q.field_name: "1"}).status_code == 404
    refused = client.post(reverse("questionnaires:answer", args=[own.pk]), {})
    assert refused.status_code == 200 and "此题为必答题" in refused.text
    assert client.post(reverse("questionnaires:answer", args=[own.pk]), {q.field_name: "4"}).status_code == 302
    assert Response.objects.get().invitation == own


def test_another_regions_official_cannot_see_the_campaign(world, login):
    campaign = _answered(world, [5], [])
    url = reverse("questionnaires:campaign", args=[campaign.pk])
    for role in ("county", "city", "province"):
        assert login(world.users[role]).get(url).status_code == 200
    for role in ("other_county", "other_city", "enterprise", "platform_operator"):
        client = login(world.users[role])
        assert client.get(url).status_code == 404
        assert client.get(reverse("questionnaires:campaign_xlsx", args=[campaign.pk])).status_code == 404
        assert campaign.title not in client.get(reverse("questionnaires:campaigns")).text


def test_the_campaign_page_shows_the_rates_and_reads_a_bounded_number_of_queries(world, login):
    campaign = _answered(world, [5, 4, 1], [5])
    client = login(world.users["county"])
    url = reverse("questionnaires:campaign", args=[campaign.pk])
    page = client.get(url)
    assert "66.7%" in page.text and "75.0%" in page.text and "满意率低于" in page.text
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    bigger = _answered(world, [5, 4, 1, 5, 5, 5, 4], [5, 2, 3])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("questionnaires:campaign", args=[bigger.pk]))
    assert len(many) == len(few) <= 20, (len(few), len(many))


def test_the_xlsx_totals_equal_the_selector(world, login):
    campaign = _answered(world, [5, 4, 3, 1], [5], silent=1)
    res = selectors.results(campaign)
    body = login(world.users["city"]).get(reverse("questionnaires:campaign_xlsx", args=[campaign.pk])).content
    book = load_workbook(io.BytesIO(body))
    summary = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows()}
    assert summary["发放数"] == res.invited == 6
    assert summary["回收数"] == res.answered == 5
    assert summary["其中已核验"] == res.answered_verified == 4
    assert summary["回收率"] == pytest.approx(float(res.response_rate))
    assert summary["满意率(已核验)"] == pytest.approx(float(res.satisfied_rate))
    assert summary["低于达标线"] == "是"
    answered = [r for r in book.worksheets[2].iter_rows(min_row=2, values_only=True) if r[2] == "是"]
    assert len(answered) == res.answered


# -- the questionnaire editor ---------------------------------------------------------------------------------

def test_the_province_edits_questionnaires_and_others_cannot(world, login):
    client = login(world.users["province"])
    response = client.post(reverse("questionnaires:create"), {"title": "专项调查", "status": "draft"})
    q = Questionnaire.objects.get(title="专项调查")
    assert response.status_code == 302
    data = {"title": "专项调查", "description": "", "status": "published", "q-TOTAL_FORMS": "2",
            "q-INITIAL_FORMS": "0", "q-0-order": "1", "q-0-text": "主要困难", "q-0-kind": "multiple",
            "q-0-options": "融资\n用工\n市场", "q-0-required": "on", "q-1-order": "2", "q-1-text": "",
            "q-1-kind": "scale5"}
    assert client.post(reverse("questionnaires:edit", args=[q.pk]), data).status_code == 302
    q.refresh_from_db()
    assert q.status == "published" and list(q.questions.values_list("options", flat=True)) == [["融资", "用工", "市场"]]
    for role in ("city", "county", "enterprise"):
        assert login(world.users[role]).get(reverse("questionnaires:edit", args=[q.pk])).status_code == 404
        assert login(world.users[role]).post(reverse("questionnaires:create"), {"title": "x"}).status_code == 403


def test_a_used_questionnaire_keeps_its_kinds_and_questions(world):
    campaign = start(world, [world.e_haian.pk])
    questionnaire = campaign.questionnaire
    rows = [{"id": q.pk, "order": q.order, "text": q.text + "(修订)", "kind": q.kind, "options": q.options,
             "required": q.required} for q in questionnaire.questions.all()]
    services.save_questionnaire(actor=world.users["province"], questionnaire=questionnaire, title="服务满意度评价",
                                description="", status="published", questions=rows)
    assert questionnaire.questions.filter(text__endswith="(修订)").count() == 2
    rows[0] = {**rows[0], "kind": Question.Kind.SINGLE, "options": ["好", "坏"]}
    with pytest.raises(ValidationError, match="题型和选项不能修改"):
        services.save_questionnaire(actor=world.users["province"], questionnaire=questionnaire, title="x",
                                    description="", status="published", questions=rows)
    with pytest.raises(ValidationError, match="不能删除"):
        services.save_questionnaire(actor=world.users["province"], questionnaire=questionnaire, title="x",
                                    description="", status="published", questions=[{**rows[1], "delete": True}])
    with pytest.raises(PermissionDenied):
        services.save_questionnaire(actor=world.users["city"], questionnaire=questionnaire, title="x",
                                    description="", status="published", questions=[])
