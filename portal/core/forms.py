"""Form plumbing shared by every app.

- :class:`ScopedForm`: the base of every form that offers rows of the database to choose from. Each
  ``ModelChoiceField`` / ``ModelMultipleChoiceField`` over a model that declares its tenancy offers — and
  accepts — only the rows the acting user's scope lets them read (``scope="change"`` on the field: only
  those they may change). The restriction is applied once, when the form is first read or validated, so
  a queryset a subclass sets in its ``__init__`` is restricted too. A field that must offer rows outside
  the user's scope (the counties of the self-registration form, offered to anonymous visitors) says why
  with :func:`unscoped`; tests/security/test_rules.py fails on a model choice field that does neither.
- :func:`apply_errors`: a service's ValidationError onto a bound form.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from portal.accounts.scoping import Viewer, scope_for

CHOICE_FIELDS = (forms.ModelChoiceField,)  # ModelMultipleChoiceField derives from it


def unscoped(field: forms.ModelChoiceField, *, reason: str) -> forms.ModelChoiceField:
    """Mark a model choice field as offering rows outside the user's scope, on purpose."""
    field.unscoped_reason = reason  # type: ignore[attr-defined]
    return field


def restrict_choices(form: forms.BaseForm, user: Viewer) -> None:
    """Narrow every model choice field of ``form`` to what ``user`` may read (or change)."""
    scope = scope_for(user)
    for field in form.fields.values():
        if not isinstance(field, CHOICE_FIELDS) or getattr(field, "unscoped_reason", None):
            continue
        qs = field.queryset
        if qs is None:
            continue
        action = getattr(field, "scope", "view")
        field.queryset = scope.changeable(qs) if action == "change" else scope.visible(qs)


class ScopedModelChoiceField(forms.ModelChoiceField):
    """A choice of ``model``'s rows, narrowed by the :class:`ScopedForm` that holds it to the user's scope."""

    def __init__(self, model: Any, *, order_by: tuple[str, ...] = (), scope: str = "view", **kwargs: Any) -> None:
        super().__init__(queryset=model._default_manager.order_by(*order_by), **kwargs)
        self.scope = scope


class ScopedForm(forms.Form):
    """A form whose model choices come through the acting user's scope (see the module docstring)."""

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        self.user = user
        self._choices_restricted = False
        super().__init__(*args, **kwargs)

    def _restrict(self) -> None:
        if not self._choices_restricted:
            self._choices_restricted = True
            restrict_choices(self, self.user)

    def __getitem__(self, name: str) -> forms.BoundField:
        self._restrict()
        return super().__getitem__(name)

    def full_clean(self) -> None:
        self._restrict()
        super().full_clean()


def apply_errors(form, exc: ValidationError, password_field: str | None = None) -> None:
    """Put a service's ValidationError onto a bound form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif password_field and password_field in form.fields:
        form.add_error(password_field, exc.messages)
    else:
        form.add_error(None, exc.messages)
