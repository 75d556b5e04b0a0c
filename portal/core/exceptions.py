"""One error type raised by services; views and the API turn it into a response."""

from django.core.exceptions import ValidationError  # re-exported: services raise Django's own type

__all__ = ["ValidationError", "Conflict", "NotFound"]


class Conflict(Exception):
    """The act contradicts the state of the object (e.g. changing an approved or locked filing)."""


class NotFound(Exception):
    """Missing and forbidden look the same from outside."""
