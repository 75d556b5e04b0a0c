"""The errors services raise for a person to read, and how pages show them.

Services raise Django's ``ValidationError`` (bad input, with field messages), :class:`Conflict` (the act
contradicts the object's state: an approved filing, a closed period) or :class:`NotFound` (missing and
forbidden look the same). ``APP_ERRORS`` names the three; ``portal.core.api.exception_handler`` turns them into
400 / 409 / 404 answers, :func:`show_errors` and :func:`attempt` into page messages.
"""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError  # re-exported: services raise Django's own type

__all__ = ["APP_ERRORS", "AppError", "Conflict", "NotFound", "ValidationError", "attempt", "messages_of",
           "show_errors"]

T = TypeVar("T")


class AppError(Exception):
    """Base of the portal's own errors: a message a person can act on."""


class Conflict(AppError):
    """The act contradicts the state of the object (e.g. changing an approved or locked filing)."""


class NotFound(AppError):
    """Missing and forbidden look the same from outside."""


APP_ERRORS = (ValidationError, AppError)


def messages_of(exc: Exception) -> list[str]:
    """The person-readable messages of an application error."""
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def show_errors(request, exc: Exception) -> None:
    messages.error(request, " ".join(messages_of(exc)))


def attempt(request, act: Callable[[], T], *, success: str = "") -> tuple[bool, T | None]:
    """Run a service act for a page: its application errors become one error message, success one success
    message. Returns (succeeded, what the act returned)."""
    try:
        value = act()
    except APP_ERRORS as exc:
        show_errors(request, exc)
        return False, None
    if success:
        messages.success(request, success)
    return True, value
