"""Every read of the questionnaire engine, scoped; ``results`` is the one definition of a campaign's figures
(response rate, distributions, the satisfied rate over verified and over all answers, the flag) that every
page, export and calling app reads."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal.accounts.scoping import scope_for

from . import rules
from .models import Campaign, Invitation, Question, Questionnaire
from .services import token_hash


def rate(part: int, whole: int) -> Decimal | None:
    """part / whole to four places (a fraction; pages show it as a percentage), None when nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# -- enterprise officers --------------------------------------------------------------------------

def pending_invitations(*, user: Any) -> QuerySet:
    """The officer's invitations: open and unanswered first (待填), then the rest."""
    if not scope_for(user).is_enterprise:
        return Invitation.objects.none()
    return (Invitation.objects.visible_to(user).select_related("campaign", "campaign__questionnaire")
            .order_by("answered_at", "campaign__closes", "id"))


def open_count(*, user: Any) -> int:
    today = timezone.localdate()
    return pending_invitations(user=user).filter(answered_at__isnull=True, campaign__opens__lte=today,
                                                 campaign__closes__gte=today).count()


def own_invitation(*, user: Any, pk: int) -> Invitation | None:
    """An invitation of the officer's own enterprise (anyone else: None, which pages answer with 404)."""
    if not scope_for(user).is_enterprise:
        return None
    return (Invitation.objects.visible_to(user).select_related("campaign", "campaign__questionnaire")
            .filter(pk=pk).first())


def link_invitation(token: str) -> Invitation | None:
    """The invitation of a one-time link (by its hash), or None for a token that matches nothing."""
    if not token or len(token) > 100:
        return None
    return (Invitation.objects.select_related("campaign", "campaign__questionnaire")
            .filter(token_hash=token_hash(token)).first())


def link_state(invitation: Invitation | None) -> str:
    """What the link page says: invalid, answered, not_open, closed, or open."""
    if invitation is None:
        return "invalid"
    today = timezone.localdate()
    if invitation.answered_at is not None:
        return "answered"
    if today < invitation.campaign.opens:
        return "not_open"
    if today > invitation.campaign.closes or today > invitation.expires:
        return "closed"
    return "open"


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.order_by("order", "id"))


# -- officials ---------------------------------------------------------------------------------------

def questionnaire_list(*, user: Any) -> QuerySet:
    return Questionnaire.objects.visible_to(user).select_related("region").annotate(
        n_questions=Count("questions", distinct=True), n_campaigns=Count("campaigns", distinct=True))


def questionnaire_for(*, user: Any, pk: int) -> Questionnaire | None:
    return Questionnaire.objects.visible_to(user).filter(pk=pk).first()


def editable_questionnaire(*, user: Any, pk: int) -> Questionnaire | None:
    if not scope_for(user).may_design_questionnaires:
        return None
    return questionnaire_for(user=user, pk=pk)


def campaign_list(*, user: Any, purpose: str = "") -> QuerySet:
    qs = Campaign.objects.visible_to(user).select_related("questionnaire", "region").annotate(
        invited=Count("invitations"), answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)))
    return qs.filter(purpose=purpose) if purpose else qs


def campaign_for(*, user: Any, pk: int) -> Campaign | None:
    return Campaign.objects.visible_to(user).select_related("questionnaire", "region", "created_by").filter(pk=pk).first()


def campaign_invitations(*, user: Any, campaign: Campaign) -> QuerySet:
    """Who was drawn and whether they answered (with the answers, for the export)."""
    return (Invitation.objects.visible_to(user).filter(campaign=campaign).select_related("enterprise", "response")
            .order_by("id"))


# -- the one definition of the results -------------------------------------------------------------------

@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    answered_verified: int = 0
    rows: list[dict] = field(default_factory=list)  # per level / option: label, all, verified
    satisfied: int = 0
    satisfied_verified: int = 0
    total: Decimal | None = None  # numbers: sum and mean over all answers
    mean: Decimal | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def satisfied_rate(self) -> Decimal | None:
        return rate(self.satisfied, self.answered)

    @property
    def satisfied_rate_verified(self) -> Decimal | None:
        return rate(self.satisfied_verified, self.answered_verified)


@dataclass
class Results:
    campaign: Campaign
    invited: int
    answered: int
    answered_verified: int
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> Decimal | None:
        return rate(self.answered, self.invited)

    @property
    def unverified(self) -> int:
        return self.answered - self.answered_verified

    @property
    def rating(self) -> QuestionResult | None:
        """The campaign's satisfaction: its first five-level question."""
        return next((r for r in self.questions if r.question.kind == Question.Kind.SCALE5), None)

    @property
    def satisfied_rate(self) -> Decimal | None:
        """Over verified answers only: the figure that counts."""
        return self.rating.satisfied_rate_verified if self.rating else None

    @property
    def satisfied_rate_all(self) -> Decimal | None:
        return self.rating.satisfied_rate if self.rating else None

    @property
    def flagged(self) -> bool:
        """Below the campaign's threshold (80% unless set), over verified answers."""
        return self.satisfied_rate is not None and self.satisfied_rate < self.campaign.threshold


def _tally(result: QuestionResult, answers: list[tuple[Any, bool]]) -> None:
    q = result.question
    result.answered = len(answers)
    result.answered_verified = sum(1 for _v, verified in answers if verified)
    if q.kind in (Question.Kind.SCALE5, Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        every: Counter[str] = Counter()
        checked: Counter[str] = Counter()
        for value, verified in answers:
            for v in (value if isinstance(value, list) else [value]):
                every[str(v)] += 1
                checked[str(v)] += verified
        result.rows = [{"value": v, "label": label, "all": every[v], "verified": checked[v]} for v, label in q.choices()]
    if q.kind == Question.Kind.SCALE5:
        result.satisfied = sum(1 for v, _ver in answers if int(v) in rules.SATISFIED_LEVELS)
        result.satisfied_verified = sum(1 for v, ver in answers if ver and int(v) in rules.SATISFIED_LEVELS)
    elif q.kind == Question.Kind.NUMBER and answers:
        result.total = sum((Decimal(v) for v, _ver in answers), Decimal(0))
        result.mean = (result.total / len(answers)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    elif q.kind == Question.Kind.TEXT:
        result.texts = [str(v) for v, _ver in answers if v][:200]


def results(campaign: Campaign) -> Results:
    """A campaign's figures (three queries whatever its size): invited, answered (verified and not), the
    response rate, per question the distribution over all and over verified answers, for a five-level
    question the satisfied rate (the top two levels) over verified answers and over all, and the flag."""
    counts = campaign.invitations.aggregate(invited=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
    responses = list(campaign.invitations.filter(response__isnull=False)
                     .values_list("response__answers", "response__verified"))
    out = []
    for q in questions_of(campaign.questionnaire):
        key = str(q.pk)
        answers = [(a[key], bool(verified)) for a, verified in responses if key in (a or {})]
        result = QuestionResult(question=q)
        _tally(result, answers)
        out.append(result)
    return Results(campaign=campaign, invited=counts["invited"], answered=counts["answered"],
                   answered_verified=sum(1 for _a, v in responses if v), questions=out)
