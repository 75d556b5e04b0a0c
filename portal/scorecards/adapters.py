"""How a domain app tells the scorecard core about its subjects.

An app that is scored (``platforms``: its platforms; ``incubators``: its bases) writes one small adapter and
registers it from its ``AppConfig.ready()``::

    registry.register_scorecard_subject("platforms.platform", PlatformAdapter())

The core never imports the app: it reads rows, types and figures through the adapter, and keeps only the
subject's key (``Scheme.kind`` / ``subject_kind``), its primary key and a copy of its name, type and region
path on each row about it.

Figures are set-based: ``compute(metric, subjects, round)`` answers for *all* subjects of a round at once, in
a few queries whatever their number; the core never asks per subject.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

Computed = dict[int, tuple[Decimal | int | float | None, str]]  # subject id -> (value, source text)


class SubjectAdapter:
    """The protocol, with defaults. Subclass it and fill in what your subjects need."""

    key: str = ""  # "platforms.platform": the app's label and the subject's model
    label: Any = ""  # 服务平台 (lazily translated)
    model: type[models.Model]
    type_labels: dict[str, Any] = {}  # subject type -> label ("city" -> 市平台); the targets and rules use the keys
    metrics: dict[str, tuple[Any, Any]] = {}  # metric key -> (label, unit), offered by the scheme editor

    def subjects(self, viewer: Any) -> models.QuerySet:
        """The subjects ``viewer`` may see (scoped: ``Model.objects.visible_to(viewer)``, plus those they score).
        Select what ``name``, ``subject_type`` and ``region`` read (``select_related("region")``): opening a round
        reads them for every subject without further queries."""
        return self.model._default_manager.visible_to(viewer)  # type: ignore[attr-defined]

    def name(self, subject: Any) -> str:
        return str(subject)

    def subject_type(self, subject: Any) -> str:
        raise NotImplementedError

    def region(self, subject: Any) -> Any:
        """The subject's region (a ``regions.Region``): its path is copied onto every row about it."""
        raise NotImplementedError

    def compute(self, metric: str, subjects: Iterable[Any], round: Any) -> Computed:
        """Each subject's figure for ``metric`` in ``round`` (its dates: ``round.starts`` / ``round.ends``) and the
        sentence saying what it was computed from ("由 12 条服务记录计算"). One call for every subject."""
        return {}

    def may_score(self, user: Any, subject: Any, scorer_key: str) -> bool:
        """Whether ``user`` is the scorer ``scorer_key`` (a ``ScorerRule``'s key: "city_bureau") of ``subject``."""
        return False

    def may_object(self, user: Any, subject: Any) -> bool:
        """Whether ``user`` speaks for ``subject`` (its operator, its manager): raises objections, answers
        consequences, reads its own sheet once published."""
        return False

    def recipients(self, subjects: Iterable[Any]) -> dict[int, list[int]]:
        """Subject id -> ids of the users told of its results (its operators), for all subjects at once."""
        return {}

    def on_consequence(self, consequence: Any) -> None:
        """Called when a consequence is opened or withdrawn: the app issues or lifts its yellow card etc."""

    def url(self, subject: Any) -> str:
        return ""

    def type_label(self, subject_type: str) -> str:
        return str(self.type_labels.get(subject_type, subject_type))
