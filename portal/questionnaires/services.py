"""Every write of the questionnaire engine: questionnaires and their questions, the sample draw, starting a
campaign (invitations, inbox messages, the one-time links by email/SMS), answering once, and the appeals'
rating shortcut. Each act is one transaction with one audit record; refusals are ValidationErrors in Chinese.
"""

import hashlib
import hmac
import logging
import random
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Role, User
from portal.accounts.scoping import scope_for
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core.exceptions import NotFound
from portal.enterprises.models import Enterprise
from portal.notifications import services as notifications
from portal.notifications.sms import SMS, get_backend
from portal.notifications.tasking import enqueue_on_commit
from portal.regions.models import Region

from . import rules
from .models import Campaign, Invitation, Question, Questionnaire, Response

logger = logging.getLogger(__name__)
Action = AuditEntry.Action


# ------------------------------------------------------------------------------------------------
# The one-time link: derived from a random salt and the secret key, stored only as its SHA-256
# ------------------------------------------------------------------------------------------------

def link_token(salt: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"questionnaires.link:{salt}".encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_path(invitation: Invitation) -> str:
    return reverse("questionnaires:link", args=[link_token(invitation.token_salt)])


# ------------------------------------------------------------------------------------------------
# Population and the sample draw
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Contact:
    """A member outside the registry, reached through the contact the caller gave (answers only by the link)."""

    name: str
    phone: str = ""
    email: str = ""

    @property
    def key(self) -> str:
        return "c:" + (self.phone or self.email or self.name).strip().lower()


Member = int | Contact  # an enterprise id of the registry, or an outside contact


def member_key(member: Member) -> str:
    return member.key if isinstance(member, Contact) else f"e:{int(member):012d}"


def distinct_members(population: Iterable[Member]) -> list[Member]:
    """Each enterprise (and each contact, by phone, email or name) once, in a fixed order (so a seed replays)."""
    seen: dict[str, Member] = {}
    for member in population:
        seen.setdefault(member_key(member), member)
    return [seen[k] for k in sorted(seen)]


def sample_size(population_size: int, fraction: Decimal) -> int:
    """At least ``fraction`` of the population, rounded up (11 served at 20% → 3), never more than all."""
    wanted = (Decimal(fraction) * population_size).to_integral_value(rounding=ROUND_CEILING)
    return min(population_size, max(0, int(wanted)))


@dataclass(frozen=True)
class Sample:
    members: list[Member]
    seed: str
    fraction: Decimal
    population_size: int

    @property
    def size(self) -> int:
        return len(self.members)


def draw_sample(*, population: Iterable[Member], fraction: Decimal = rules.DEFAULT_SAMPLE_FRACTION,
                seed: str | None = None) -> Sample:
    """A uniformly random sample of at least ``fraction`` of the distinct members. The seed (random from the
    system's generator unless given) is returned to be recorded: the same population and seed draw the same."""
    fraction = Decimal(fraction)
    if not Decimal(0) < fraction <= Decimal(1):
        raise ValidationError({"fraction": _("抽样比例应大于0且不超过100%。")})
    members = distinct_members(population)
    seed = seed or secrets.token_hex(8)
    # A seeded generator so that the recorded draw can be replayed; the seed itself comes from secrets.
    drawn = random.Random(seed).sample(members, sample_size(len(members), fraction))  # noqa: S311
    return Sample(members=sorted(drawn, key=member_key), seed=seed, fraction=fraction, population_size=len(members))


# ------------------------------------------------------------------------------------------------
# Questionnaires
# ------------------------------------------------------------------------------------------------

def _designer(actor: Any) -> None:
    if not scope_for(actor).may_design_questionnaires:
        raise PermissionDenied


def province_of(region: Region) -> Region:
    code = region.path.split(".")[0]
    return Region.objects.get(path=f"{code}.")


def service_satisfaction_questionnaire(*, region: Region) -> Questionnaire:
    """The built-in service-satisfaction questionnaire (overall rating on five levels + comment), created on
    first use for the province of ``region``; province staff may edit its wording."""
    existing = Questionnaire.objects.filter(key=rules.SERVICE_SATISFACTION).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        province = province_of(region)
        q, created = Questionnaire.objects.get_or_create(
            key=rules.SERVICE_SATISFACTION,
            defaults={"title": _("服务满意度评价"), "description": _("请对本次服务的总体情况作出评价。"),
                      "region": province, "region_path": province.path, "status": Questionnaire.Status.PUBLISHED})
        if created:
            Question.objects.bulk_create([
                Question(questionnaire=q, order=1, text=_("您对本次服务的总体评价"), kind=Question.Kind.SCALE5),
                Question(questionnaire=q, order=2, text=_("意见和建议"), kind=Question.Kind.TEXT, required=False),
            ])
            audit.record(actor=None, action=Action.CREATE, obj=q, note=_("内置问卷"))
    return q


def create_questionnaire(*, actor: Any, title: str, description: str = "") -> Questionnaire:
    _designer(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写问卷名称。")})
    with transaction.atomic():
        region = actor.region
        q = Questionnaire.objects.create(title=title[:200], description=description, region=region,
                                         region_path=region.path)
        audit.record(actor=actor, action=Action.CREATE, obj=q, changes={"title": [None, q.title]})
    return q


def _clean_question(row: dict, errors: list) -> dict:
    n = row.get("order") or "?"
    kind = row.get("kind") or Question.Kind.SCALE5
    text = (row.get("text") or "").strip()
    options = [o.strip() for o in row.get("options") or [] if o and o.strip()]
    if kind not in Question.Kind.values:
        errors.append(_("第%(n)s题:题型无效。") % {"n": n})
    if not text:
        errors.append(_("第%(n)s题:请填写题目。") % {"n": n})
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(set(options)) < 2:
        errors.append(_("第%(n)s题:选择题至少需要两个不同的选项。") % {"n": n})
    if kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        options = []
    lo, hi = row.get("min_value"), row.get("max_value")
    if kind != Question.Kind.NUMBER:
        lo = hi = None
    if lo is not None and hi is not None and lo > hi:
        errors.append(_("第%(n)s题:最小值不能大于最大值。") % {"n": n})
    return {"order": row.get("order") or 1, "text": text[:300], "kind": kind, "options": list(dict.fromkeys(options)),
            "required": bool(row.get("required")), "help_text": (row.get("help_text") or "")[:300],
            "min_value": lo, "max_value": hi}


def _sort_rows(rows: list[dict], *, questionnaire: Questionnaire, existing: dict, used: bool,
               errors: list) -> tuple[list[Question], list[Question], list[int]]:
    """The editor's rows as (questions kept and changed, questions added, ids deleted); refusals into ``errors``."""
    kept, added, deleted = [], [], []
    for row in rows:
        pk = row.get("id")
        if pk is not None and pk not in existing:
            errors.append(_("题目不属于本问卷。"))
            continue
        if row.get("delete"):
            if pk is not None:
                if used:
                    errors.append(_("问卷已被调查使用,题目不能删除:%(t)s") % {"t": existing[pk].text})
                deleted.append(pk)
            continue
        data = _clean_question(row, errors)
        if pk is None:
            added.append(Question(questionnaire=questionnaire, **data))
            continue
        question = existing[pk]
        if used and (data["kind"] != question.kind or data["options"] != list(question.options or [])):
            errors.append(_("问卷已被调查使用,题型和选项不能修改:%(t)s") % {"t": question.text})
        for field, value in data.items():
            setattr(question, field, value)
        kept.append(question)
    return kept, added, deleted


def save_questionnaire(*, actor: Any, questionnaire: Questionnaire, title: str, description: str, status: str,
                       questions: list[dict]) -> Questionnaire:
    """Save a questionnaire and its questions (``questions``: dicts with id (None for a new one), order, text,
    kind, options, required, help_text, min_value, max_value, delete). Once a campaign has used it, its questions
    keep their kinds and options and none is removed (answers refer to them); wording and order may change."""
    _designer(actor)
    errors: list[str] = []
    if not (title or "").strip():
        errors.append(_("请填写问卷名称。"))
    if status not in Questionnaire.Status.values:
        errors.append(_("状态无效。"))
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        used = questionnaire.campaigns.exists()
        existing = {q.pk: q for q in questionnaire.questions.all()}
        kept, added, deleted = _sort_rows(questions, questionnaire=questionnaire, existing=existing, used=used,
                                          errors=errors)
        if status == Questionnaire.Status.PUBLISHED and not (kept or added):
            errors.append(_("发布的问卷至少需要一道题目。"))
        if errors:
            raise ValidationError(errors)
        before = {"title": questionnaire.title, "status": questionnaire.status}
        questionnaire.title, questionnaire.description, questionnaire.status = title.strip()[:200], description, status
        questionnaire.save()
        Question.objects.filter(pk__in=deleted).delete()
        Question.objects.bulk_update(kept, ["order", "text", "kind", "options", "required", "help_text",
                                            "min_value", "max_value"])
        Question.objects.bulk_create(added)
        audit.record(actor=actor, action=Action.UPDATE, obj=questionnaire,
                     changes={**audit.diff(before, {"title": questionnaire.title, "status": questionnaire.status}),
                              "questions": [len(existing), len(existing) - len(deleted) + len(added)]})
    return questionnaire


# ------------------------------------------------------------------------------------------------
# Campaigns
# ------------------------------------------------------------------------------------------------

def _members(population: Iterable[Member]) -> tuple[list[Member], dict[int, Any]]:
    members = distinct_members(population)
    ids = [m for m in members if not isinstance(m, Contact)]
    known = {row["id"]: row for row in Enterprise.objects.filter(pk__in=ids)
             .values("id", "name", "contact_email", "contact_phone")}
    unknown = [str(i) for i in ids if i not in known]
    if unknown:
        raise ValidationError(_("企业名录中没有这些企业:%(ids)s") % {"ids": "、".join(unknown[:10])})
    for m in members:
        if isinstance(m, Contact) and not (m.phone.strip() or m.email.strip()):
            raise ValidationError(_("外部联系人“%(name)s”没有联系电话或电子邮箱,无法发送问卷链接。") % {"name": m.name})
    return members, known


def _check_window(opens: date, closes: date) -> None:
    if opens > closes:
        raise ValidationError({"closes": _("截止日期不能早于开始日期。")})
    if closes < timezone.localdate():
        raise ValidationError({"closes": _("截止日期已过。")})


def start_campaign(*, actor: Any, questionnaire: Questionnaire, purpose: str, region: Region,
                   population: Iterable[Member], opens: date, closes: date, title: str = "",
                   subject_kind: str = "", subject_id: Any = "", subject_label: str = "", period_label: str = "",
                   asker: str = "", fraction: Decimal | None = None, seed: str | None = None,
                   threshold: Decimal | None = None) -> Campaign:
    """Send ``questionnaire`` about a subject to ``population`` (all of it, or a sample of ``fraction``): one
    invitation each; an inbox message to every officer of a registry enterprise; the one-time link by email/SMS
    to the enterprise's monitoring contact or the outside contact, queued once this commits."""
    if not scope_for(actor).may_start_campaign(region):
        raise PermissionDenied
    if questionnaire.status != Questionnaire.Status.PUBLISHED:
        raise ValidationError(_("问卷尚未发布,不能发起调查。"))
    _check_window(opens, closes)
    members, known = _members(population)
    if not members:
        raise ValidationError(_("没有可以发送问卷的对象。"))
    if fraction is not None:
        drawn = draw_sample(population=members, fraction=fraction, seed=seed)
        members, seed = drawn.members, drawn.seed
    with transaction.atomic():
        now = timezone.now()
        campaign = Campaign.objects.create(
            questionnaire=questionnaire, title=(title or questionnaire.title)[:200], purpose=purpose,
            subject_kind=subject_kind, subject_id=str(subject_id), subject_label=subject_label[:200],
            period_label=period_label, asker=(asker or region.name)[:200], opens=opens, closes=closes, region=region,
            region_path=region.path, created_by=actor if getattr(actor, "pk", None) else None, created_at=now,
            threshold=threshold if threshold is not None else rules.DEFAULT_SATISFIED_THRESHOLD,
            sample_fraction=fraction, sample_seed=seed or "", population_size=len(distinct_members(population)),
            sample_size=len(members))
        invitations = []
        for m in members:
            salt = secrets.token_hex(16)
            inv = Invitation(campaign=campaign, token_salt=salt, token_hash=token_hash(link_token(salt)),
                             expires=closes, sent_at=now)
            if isinstance(m, Contact):
                inv.contact_name, inv.contact_phone, inv.contact_email = m.name[:200], m.phone[:40], m.email[:254]
            else:
                inv.enterprise_id, inv.contact_name = m, known[m]["name"]
            invitations.append(inv)
        Invitation.objects.bulk_create(invitations)
        invitations = list(campaign.invitations.select_related("enterprise").order_by("id"))
        _notify_officers(campaign, invitations)
        links = [i.pk for i in invitations if _link_addresses(i) != ("", "")]
        if links:
            enqueue_on_commit("portal.questionnaires.tasks.send_links", ids=links)
        audit.record(actor=actor, action=Action.CREATE, obj=campaign, changes={
            "purpose": [None, purpose], "population_size": [None, campaign.population_size],
            "sample_size": [None, campaign.sample_size], "sample_seed": [None, campaign.sample_seed]})
    return campaign


def _notify_officers(campaign: Campaign, invitations: list[Invitation]) -> None:
    by_enterprise = {i.enterprise_id: i for i in invitations if i.enterprise_id}
    if not by_enterprise:
        return
    officers = (User.objects.filter(role=Role.ENTERPRISE, is_active=True, enterprise_id__in=list(by_enterprise))
                .values("id", "email", "phone", "enterprise_id", "notification_preference__email",
                        "notification_preference__sms").order_by("id"))
    title = _("请填写问卷:%(title)s") % {"title": campaign.title}
    body = _("%(asker)s邀请贵企业填写“%(title)s”%(about)s,请于%(closes)s前在平台“待填问卷”中填写。") % {
        "asker": campaign.asker, "title": campaign.title,
        "about": _("(评价对象:%(s)s)") % {"s": campaign.subject_label} if campaign.subject_label else "",
        "closes": f"{campaign.closes.year}年{campaign.closes.month}月{campaign.closes.day}日"}
    messages = []
    for row in officers:
        email, phone = notifications.personal_addresses(
            email=row["email"], phone=row["phone"], wants_email=row["notification_preference__email"],
            wants_sms=row["notification_preference__sms"])
        link = reverse("questionnaires:answer", args=[by_enterprise[row["enterprise_id"]].pk])
        messages.append(notifications.Message(recipient_id=row["id"], title=title, body=body, link=link,
                                              email=email, phone=phone))
    if messages:
        notifications.notify(key=f"questionnaire:{campaign.pk}", messages=messages)


def _link_addresses(invitation: Invitation) -> tuple[str, str]:
    """(email, phone) the one-time link goes to: the outside contact's, or the enterprise's monitoring contact's."""
    if invitation.enterprise_id is None:
        return invitation.contact_email, invitation.contact_phone
    channels = settings.ENTERPRISE_CONTACT_CHANNELS
    enterprise = invitation.enterprise
    assert enterprise is not None
    return ((enterprise.contact_email or "") if "email" in channels else "",
            (enterprise.contact_phone or "") if "sms" in channels else "")


def send_links(*, ids: list[int]) -> dict:
    """Send each invitation's one-time link once (locked, sent, marked; a failure stays unsent for a retry)."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    sms = None
    for pk in sorted(ids):
        with transaction.atomic():
            inv = (Invitation.objects.select_for_update(of=("self",)).select_related("enterprise", "campaign")
                   .filter(pk=pk, link_sent_at__isnull=True, answered_at__isnull=True).first())
            if inv is None:
                counts["skipped"] += 1
                continue
            email, phone = _link_addresses(inv)
            url = f"{settings.SITE_URL}{link_path(inv)}"
            text = _("%(asker)s邀请您填写“%(title)s”,请于%(closes)s前打开链接填写(仅可填写一次):") % {
                "asker": inv.campaign.asker, "title": inv.campaign.title, "closes": inv.campaign.closes.isoformat()}
            try:
                if email:
                    EmailMessage(subject=f"{settings.PORTAL_NAME}:{inv.campaign.title}",
                                 body=f"{text}\n\n{url}\n\n—— {settings.PORTAL_NAME}", to=[email]).send()
                if phone:
                    sms = sms or get_backend()
                    sms.send(SMS(id=f"questionnaire-{inv.pk}", to=phone, text=f"{settings.SMS_SIGNATURE}{text}{url}"))
            except Exception as exc:
                logger.warning("questionnaire link %s failed: %r", inv.pk, exc)
                counts["failed"] += 1
                continue
            inv.link_sent_at = timezone.now()
            inv.save(update_fields=["link_sent_at"])
            counts["sent"] += 1
    return counts


def start_rating(*, actor: Any, region: Region, enterprise_id: int, purpose: str, subject_kind: str,
                 subject_id: Any, subject_label: str, title: str = "", days: int = rules.RATING_WINDOW_DAYS,
                 questionnaire: Questionnaire | None = None) -> Campaign:
    """The appeals' shortcut: one enterprise rates one subject (its appeal's handling) on the built-in
    satisfaction questionnaire (or ``questionnaire``), from today for ``days`` days."""
    questionnaire = questionnaire or service_satisfaction_questionnaire(region=region)
    today = timezone.localdate()
    return start_campaign(actor=actor, questionnaire=questionnaire, purpose=purpose, region=region,
                          population=[enterprise_id], opens=today, closes=today + timedelta(days=days),
                          title=title or _("办理评价:%(s)s") % {"s": subject_label}, subject_kind=subject_kind,
                          subject_id=subject_id, subject_label=subject_label)


# ------------------------------------------------------------------------------------------------
# Answering
# ------------------------------------------------------------------------------------------------

def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def _clean_number(q: Question, value: Any) -> str:
    try:
        number = Decimal(str(value).replace(",", "").replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(_("请填写数字。")) from None
    if not number.is_finite() or len(number.as_tuple().digits) > rules.NUMBER_MAX_DIGITS:
        raise ValidationError(_("请填写数字。"))
    if q.min_value is not None and number < q.min_value:
        raise ValidationError(_("请填写不小于%(v)s的数。") % {"v": f"{q.min_value.normalize():f}"})
    if q.max_value is not None and number > q.max_value:
        raise ValidationError(_("请填写不大于%(v)s的数。") % {"v": f"{q.max_value.normalize():f}"})
    return str(number)


def _clean_value(q: Question, value: Any) -> Any:
    if q.kind == Question.Kind.SCALE5:
        if str(value) not in {str(v) for v, _label in rules.SCALE5}:
            raise ValidationError(_("请选择五个等级之一。"))
        return int(value)
    if q.kind == Question.Kind.SINGLE:
        if str(value) not in (q.options or []):
            raise ValidationError(_("请选择给出的选项之一。"))
        return str(value)
    if q.kind == Question.Kind.MULTIPLE:
        values = [value] if isinstance(value, str) else list(value)
        if any(str(v) not in (q.options or []) for v in values):
            raise ValidationError(_("请只选择给出的选项。"))
        return [o for o in q.options if o in {str(v) for v in values}]
    if q.kind == Question.Kind.NUMBER:
        return _clean_number(q, value)
    text = str(value).strip()
    if len(text) > rules.TEXT_MAX_LENGTH:
        raise ValidationError(_("最多%(n)d个字。") % {"n": rules.TEXT_MAX_LENGTH})
    return text


def validate_answers(questions: Iterable[Question], raw: dict) -> dict:
    """{question id (str): clean value} for ``raw`` keyed by question id or the form's field name (q<id>);
    a ValidationError keyed by field name for each required question left empty or value out of range."""
    clean, errors = {}, {}
    for q in questions:
        value = next((raw[k] for k in (q.field_name, str(q.pk), q.pk) if k in raw), None)
        if _empty(value):
            if q.required:
                errors[q.field_name] = [_("此题为必答题。")]
            continue
        try:
            clean[str(q.pk)] = _clean_value(q, value)
        except ValidationError as exc:
            errors[q.field_name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return clean


def _locked(invitation: Invitation | None, token: str) -> Invitation:
    qs = Invitation.objects.select_for_update(of=("self",)).select_related("campaign", "campaign__questionnaire")
    if token:
        found = qs.filter(token_hash=token_hash(token)).first()
    else:
        found = qs.filter(pk=invitation.pk).first() if invitation is not None and invitation.pk else None
    if found is None:
        raise NotFound(_("问卷不存在或链接无效。"))
    return found


def _check_open(invitation: Invitation, *, link: bool) -> None:
    today = timezone.localdate()
    if invitation.answered_at is not None:
        raise ValidationError(_("该问卷已经填写过,不能重复提交。"))
    if today < invitation.campaign.opens:
        raise ValidationError(_("问卷尚未开始,开始日期为%(d)s。") % {"d": invitation.campaign.opens.isoformat()})
    if today > invitation.campaign.closes or (link and today > invitation.expires):
        raise ValidationError(_("问卷已于%(d)s截止。") % {"d": min(invitation.campaign.closes, invitation.expires).isoformat()})


def answer(*, actor: Any = None, invitation: Invitation | None = None, token: str = "", answers: dict) -> Response:
    """Answer an invitation once, inside its window. From an account (``invitation``): only an officer of the
    invited enterprise, and the answer is verified. Through the one-time link (``token``, signed in or not):
    verified only when the invitation is a registry enterprise's and ``actor`` is one of its officers."""
    scope = scope_for(actor)
    with transaction.atomic():
        inv = _locked(invitation, token)
        own = inv.enterprise_id is not None and scope.is_enterprise and scope.enterprise_id == inv.enterprise_id
        if not token and not own:
            raise NotFound(_("问卷不存在。"))
        _check_open(inv, link=bool(token))
        clean = validate_answers(list(inv.campaign.questionnaire.questions.all()), answers)
        channel = Response.Channel.LINK if token else Response.Channel.ACCOUNT
        response = Response.objects.create(invitation=inv, answers=clean, channel=channel, verified=own,
                                           answered_by=actor if getattr(actor, "pk", None) else None)
        inv.answered_at, inv.verified = response.created_at, own
        inv.save(update_fields=["answered_at", "verified"])
        audit.record(actor=actor, action=Action.CREATE, obj=response, region_path=inv.campaign.region_path,
                     enterprise_id=inv.enterprise_id,
                     changes={"channel": [None, channel], "verified": [None, own]})
    return response
