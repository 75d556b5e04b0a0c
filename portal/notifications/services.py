"""Every write of the notifications: messages into inboxes (set-based, one row per recipient and key), their
deliveries by email and SMS (each sent at most once), reading, and each user's channel preferences.

Messages to an enterprise's monitoring contact when nobody logs in for the enterprise have no recipient but
the enterprise (``Message.enterprise_id``): unique per (enterprise, key), in no inbox, sent by email/SMS only.

Idempotency: a Notification is unique per (recipient, key), a Delivery per (notification, channel), and a
delivery is sent only while it is pending, under a row lock. So a task that runs twice, or a message that a
worker took to its grave and the broker gave to another, writes and sends nothing twice.
"""
import functools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from portal.accounts.models import User
from portal.accounts.scoping import Viewer

from .models import Channel, Delivery, Notification, Preference
from .selectors import forget_unread, unread_count
from .sms import SMS, get_backend
from .tasking import enqueue_on_commit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """One inbox message for one user, with the addresses its outside channels go to ('' for none); or, with
    ``recipient_id`` None and ``enterprise_id``, a message to an enterprise's contact (no inbox, channels only)."""

    recipient_id: int | None
    title: str
    body: str
    link: str = ""
    email: str = ""
    phone: str = ""
    key: str = ""  # when the messages of one call have keys of their own
    enterprise_id: int | None = None  # only for a message to the contact of an enterprise without an account

    @property
    def owner(self) -> tuple[str, int | None]:
        """("recipient_id", user id) or ("enterprise_id", enterprise id): whose the message is."""
        if self.recipient_id is not None:
            return "recipient_id", self.recipient_id
        if self.enterprise_id is not None:
            return "enterprise_id", self.enterprise_id
        raise ValueError("a message needs a recipient or an enterprise")


def batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


# ------------------------------------------------------------------------------------------------
# Addresses: the user's own (by preference) and an enterprise's monitoring contact
# ------------------------------------------------------------------------------------------------

def personal_addresses(*, email: str, phone: str, wants_email: bool | None, wants_sms: bool | None) -> tuple[str, str]:
    """(email, phone) a user's messages go to. Without a saved preference: email yes, SMS no (the model's defaults)."""
    return ((email or "") if wants_email is not False else "",
            (phone or "") if wants_sms else "")


def enterprise_messages(officers: list[dict], *, contact_email: str, contact_phone: str, title: str, body: str,
                        link: str, key: str = "") -> list[Message]:
    """The messages of one enterprise: one per information officer (their inbox), and the enterprise's
    monitoring contact (Enterprise.contact_email / contact_phone) reached by email and SMS besides.

    ``officers``: dicts with id, email, phone, wants_email, wants_sms, lowest id first. The first officer's
    message carries the contact's addresses (and their own where the contact has none); the others carry their
    own by preference, unless it is the contact's, which is not written to twice.
    """
    channels = settings.ENTERPRISE_CONTACT_CHANNELS
    contact_email = (contact_email or "") if "email" in channels else ""
    contact_phone = (contact_phone or "") if "sms" in channels else ""
    out = []
    for i, officer in enumerate(officers):
        email, phone = personal_addresses(email=officer["email"], phone=officer["phone"],
                                          wants_email=officer["wants_email"], wants_sms=officer["wants_sms"])
        if i == 0:
            email, phone = contact_email or email, contact_phone or phone
        else:
            email = "" if email and email == contact_email else email
            phone = "" if phone and phone == contact_phone else phone
        out.append(Message(recipient_id=officer["id"], title=title, body=body, link=link, email=email, phone=phone,
                           key=key))
    return out


# ------------------------------------------------------------------------------------------------
# Writing messages and queueing their deliveries
# ------------------------------------------------------------------------------------------------

def notify_many(*, messages: Iterable[Message], key: str = "", batch_size: int | None = None,
                queue: bool = True) -> dict:
    """Put each message into its recipient's inbox once per key and queue its email/SMS deliveries in batches.

    The key is ``key`` or each message's own (``Message.key``): one inbox row per (recipient, key), ever (for a
    message to an enterprise's contact: one row per (enterprise, key), in no inbox).
    Set-based, ``batch_size`` messages at a time (NOTIFICATION_WRITE_BATCH_SIZE), one transaction each: the
    inbox rows are inserted with ON CONFLICT DO NOTHING on the unique key (one query on PostgreSQL), and their
    outside channels queued in batches of NOTIFICATION_BATCH_SIZE once it commits
    (``portal.notifications.tasks.deliver``: the worker writes one Delivery per channel, unique, and sends each
    once). A run that finds its messages written queues only those that never got their
    deliveries (a run that died between commit and queueing), so running twice sends nothing twice.
    Returns counts: messages, created (new inbox rows), queued (channels queued), batches (deliver tasks queued).
    """
    size = batch_size or settings.NOTIFICATION_WRITE_BATCH_SIZE
    counts = {"messages": 0, "created": 0, "queued": 0, "batches": 0}
    for chunk in batches(messages, size):
        # {(owner field, owner id, key): message}: a user's inbox, or an enterprise's contact.
        wanted = {(*m.owner, m.key or key): m for m in chunk}
        if not all(k for _f, _o, k in wanted):
            raise ValueError("every message needs a key")
        with transaction.atomic():
            created = _insert_new(wanted)
            existing = _ids(set(wanted) - set(created))
            items = [[pk, wanted[t].email, wanted[t].phone] for t, pk in created.items()
                     if wanted[t].email or wanted[t].phone]
            if existing:  # written before: queue those whose deliveries were never written
                delivered = set(Delivery.objects.filter(notification_id__in=list(existing.values()))
                                .values_list("notification_id", flat=True).distinct())
                items += [[pk, wanted[t].email, wanted[t].phone] for t, pk in existing.items()
                          if pk not in delivered and (wanted[t].email or wanted[t].phone)]
            readers = {o for f, o, _k in created if f == "recipient_id"}
            if readers:
                transaction.on_commit(functools.partial(forget_unread, readers))
            if items and queue:
                counts["batches"] += queue_items(items)
                counts["queued"] += sum(bool(email) + bool(phone) for _pk, email, phone in items)
        counts["messages"] += len(wanted)
        counts["created"] += len(created)
    return counts


def _insert_new(wanted: dict) -> dict:
    """Insert the wanted rows that do not exist; {(owner field, owner id, key): id} of those this call inserted."""
    out: dict[tuple[str, int, str], int] = {}
    for field in ("recipient_id", "enterprise_id"):
        part = {(o, k): m for (f, o, k), m in wanted.items() if f == field}
        if part:
            out |= {(field, o, k): pk for (o, k), pk in _insert_owned(field, part).items()}
    return out


# The unique constraint each kind of row is inserted against (ON CONFLICT ... DO NOTHING).
_CONFLICT_TARGET = {"recipient_id": "(recipient_id, key)", "enterprise_id": "(enterprise_id, key) WHERE recipient_id IS NULL"}


def _insert_owned(field: str, wanted: dict) -> dict:
    """Insert the wanted {(owner id, key): message} rows of one owner field; {(owner id, key): id} inserted."""
    now = timezone.now()
    if connection.vendor == "postgresql":

        table = connection.ops.quote_name(Notification._meta.db_table)
        rows = [(o, k, m.title[:200], m.body, m.link[:300], now) for (o, k), m in wanted.items()]
        with connection.cursor() as cursor:
            # A message lost with the last milliseconds before a server crash is written again by the next run
            # of its (idempotent) task: the inbox need not wait for the WAL flush of each batch.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            returned = execute_values(
                cursor.cursor,
                f"INSERT INTO {table} ({field}, key, title, body, link, created_at) VALUES %s "  # noqa: S608
                f"ON CONFLICT {_CONFLICT_TARGET[field]} DO NOTHING RETURNING {field}, key, id",
                rows, page_size=1000, fetch=True)
        return {(o, k): pk for o, k, pk in returned}
    before = _ids({(field, o, k) for o, k in wanted})
    missing = [(o, k) for o, k in wanted if (field, o, k) not in before]
    Notification.objects.bulk_create([
        Notification(**{field: o}, key=k, title=wanted[(o, k)].title[:200], body=wanted[(o, k)].body,
                     link=wanted[(o, k)].link[:300]) for o, k in missing], ignore_conflicts=True)
    return {(o, k): pk for (_f, o, k), pk in _ids({(field, o, k) for o, k in missing}).items()}


def _ids(wanted_keys: set) -> dict:
    """{(owner field, owner id, key): notification id} of those that exist (one indexed query per owner field)."""
    out: dict[tuple[str, int, str], int] = {}
    for field in ("recipient_id", "enterprise_id"):
        pairs = {(o, k) for f, o, k in wanted_keys if f == field}
        if not pairs:
            continue
        qs = Notification.objects.filter(**{f"{field}__in": list({o for o, _k in pairs})},
                                         key__in=list({k for _o, k in pairs}))
        if field == "enterprise_id":
            qs = qs.filter(recipient__isnull=True)
        out |= {(field, o, k): pk for o, k, pk in qs.values_list(field, "key", "id") if (o, k) in pairs}
    return out


def notify(*, key: str, messages: Iterable[Message]) -> dict:
    """A few messages (publishing, a returned filing): the same rules as :func:`notify_many`."""
    return notify_many(messages=messages, key=key)


def queue_items(items: list[list]) -> int:
    """Queue [notification id, email, phone] items for delivery, in batches, once the transaction commits."""
    n = 0
    for chunk in batches(items, settings.NOTIFICATION_BATCH_SIZE):
        enqueue_on_commit("portal.notifications.tasks.deliver", items=chunk)
        n += 1
    return n


def create_deliveries(*, items: list[list]) -> list[int]:
    """One Delivery per channel of each [notification id, email, phone] item (unique: written once, whoever
    writes it); returns the ids of the items' deliveries still pending."""
    rows = []
    for notification_id, email, phone in items:
        if email:
            rows.append(Delivery(notification_id=notification_id, channel=Channel.EMAIL, address=email[:200]))
        if phone:
            rows.append(Delivery(notification_id=notification_id, channel=Channel.SMS, address=phone[:200]))
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(Delivery.objects.filter(notification_id__in=[i[0] for i in items], status=Delivery.Status.PENDING)
                .order_by("id").values_list("id", flat=True))


def deliver(*, items: list[list]) -> dict:
    """The worker's half of a batch: write its deliveries, then send the pending ones (each at most once)."""
    ids = create_deliveries(items=items)
    return {"deliveries": len(ids), **send_deliveries(ids=ids)}


def queue_deliveries(ids: list[int]) -> int:
    """Queue the sending of these deliveries, in batches, once the current transaction commits."""
    n = 0
    for chunk in batches(ids, settings.NOTIFICATION_BATCH_SIZE):
        enqueue_on_commit("portal.notifications.tasks.send_deliveries", ids=chunk)
        n += 1
    return n


def queue_stalled_deliveries(*, older_than_minutes: int = 15) -> dict:
    """Pending deliveries whose sending never happened or failed transiently (broker down, worker lost, SMTP
    timeout): queued again. Sending checks the status under a lock, so queueing twice sends once."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = list(Delivery.objects.filter(status=Delivery.Status.PENDING, notification__created_at__lt=cutoff)
               .order_by("id").values_list("id", flat=True))
    return {"pending": len(ids), "batches": queue_deliveries(ids)}


# ------------------------------------------------------------------------------------------------
# Sending
# ------------------------------------------------------------------------------------------------

def _email(delivery: Delivery, connection: Any) -> None:
    n = delivery.notification
    link = f"\n\n{settings.SITE_URL}{n.link}" if n.link else ""
    EmailMessage(subject=f"{settings.PORTAL_NAME}:{n.title}", body=f"{n.body}{link}\n\n—— {settings.PORTAL_NAME}",
                 to=[delivery.address], connection=connection).send()


def _sms_text(n: Notification) -> str:
    link = f" {settings.SITE_URL}{n.link}" if n.link else ""
    body = n.body if len(n.body) <= 120 else n.body[:119] + "…"
    return f"{settings.SMS_SIGNATURE}{n.title}:{body}{link}"


def send_deliveries(*, ids: list[int]) -> dict:
    """Send each pending delivery of ``ids`` once: locked, sent, marked, committed one by one, so a worker
    killed in the middle leaves the sent ones marked and the rest pending for whoever runs the batch again.

    A failed attempt is counted; after DELIVERY_MAX_ATTEMPTS the delivery is marked failed.
    """
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    mail = sms = None
    try:
        for pk in sorted(ids):
            with transaction.atomic():
                delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                            .select_related("notification").filter(pk=pk, status=Delivery.Status.PENDING).first())
                if delivery is None:  # sent already, failed for good, or being sent by another worker
                    counts["skipped"] += 1
                    continue
                delivery.attempts += 1
                try:
                    if delivery.channel == Channel.EMAIL:
                        mail = mail or get_connection()
                        _email(delivery, mail)
                    elif delivery.channel == Channel.SMS:
                        sms = sms or get_backend()
                        sms.send(SMS(id=str(delivery.pk), to=delivery.address, text=_sms_text(delivery.notification)))
                except Exception as exc:
                    logger.warning("delivery %s (%s) failed: %r", delivery.pk, delivery.channel, exc)
                    delivery.error = repr(exc)[:2000]
                    if delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
                        delivery.status = Delivery.Status.FAILED
                        counts["failed"] += 1
                    if delivery.channel == Channel.EMAIL and mail is not None:
                        mail.close()
                        mail = None
                else:
                    delivery.status, delivery.sent_at, delivery.error = Delivery.Status.SENT, timezone.now(), ""
                    counts["sent"] += 1
                delivery.save(update_fields=["status", "attempts", "sent_at", "error"])
    finally:
        if mail is not None:
            mail.close()
        if sms is not None:
            sms.close()
    return counts


# ------------------------------------------------------------------------------------------------
# The inbox and preferences
# ------------------------------------------------------------------------------------------------

def mark_read(*, user: User, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
        forget_unread([user.pk])
    return notification


def mark_all_read(*, user: User) -> int:
    n = Notification.objects.visible_to(user).unread().update(read_at=timezone.now())
    forget_unread([user.pk])
    return n


def prime_unread(sender: Any, request: Any, user: Viewer, **kwargs: Any) -> None:
    """On login (user_logged_in): count the unread messages once, so the header's pages read the cache."""
    forget_unread([user.pk])
    unread_count(user)


@transaction.atomic
def set_preferences(*, user: User, email: bool, sms: bool) -> Preference:
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    preference.email, preference.sms = bool(email), bool(sms)
    preference.save(update_fields=["email", "sms"])
    return preference
