"""Answers kept for the exchange API's Idempotency-Key."""

from django.db import models

from portal.accounts.scoping import Owned, ScopedQuerySet


class IdempotencyRecord(models.Model):
    """An API response kept for its Idempotency-Key, so a retried request is answered the same."""

    key = models.CharField(max_length=128)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    tenancy = Owned("user_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_response_per_key")]

    def __str__(self):
        return self.key
