from django.core.exceptions import ValidationError


def apply_errors(form, exc: ValidationError, password_field: str | None = None) -> None:
    """Put a service's ValidationError onto a bound form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif password_field and password_field in form.fields:
        form.add_error(password_field, exc.messages)
    else:
        form.add_error(None, exc.messages)
