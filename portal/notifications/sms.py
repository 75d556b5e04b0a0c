"""The SMS channel: one class per backend, chosen by ``settings.SMS_BACKEND``.

- ``logging`` (default): writes each message to the log, for development and until a provider is contracted;
- ``http``: POSTs JSON ``{"id", "to", "text"}`` to the gateway at ``SMS_HTTP_URL`` (bearer ``SMS_HTTP_TOKEN``);
  ``id`` is the delivery's own id, so a gateway that deduplicates on it never sends a message twice even when
  a worker dies between the gateway's answer and the delivery being marked sent;
- ``locmem``: keeps the messages in ``portal.notifications.sms.outbox`` (tests);
- or the dotted path of a subclass of :class:`SMSBackend`.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("portal.sms")


class SMSError(Exception):
    """The gateway refused the message (not worth retrying as is)."""


@dataclass(frozen=True)
class SMS:
    id: str
    to: str
    text: str


class SMSBackend:
    def send(self, message: SMS) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass


class LoggingSMSBackend(SMSBackend):
    def send(self, message: SMS) -> None:
        logger.info("SMS %s to %s: %s", message.id, message.to, message.text)


outbox: list[SMS] = []


class LocmemSMSBackend(SMSBackend):
    def send(self, message: SMS) -> None:
        outbox.append(message)


class HttpSMSBackend(SMSBackend):
    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.url = url or settings.SMS_HTTP_URL
        self.token = token if token is not None else settings.SMS_HTTP_TOKEN
        self.timeout = timeout or settings.SMS_HTTP_TIMEOUT
        if not self.url.startswith(("http://", "https://")):
            raise SMSError("SMS_HTTP_URL is not set to an http(s) address")

    def send(self, message: SMS) -> None:
        body = json.dumps({"id": message.id, "to": message.to, "text": message.text}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message.id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code == 429:
                raise ConnectionError(f"SMS gateway answered {exc.code}") from exc
            raise SMSError(f"SMS gateway refused the message: {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise ConnectionError(f"SMS gateway unreachable: {exc}") from exc


BACKENDS = {
    "logging": LoggingSMSBackend,
    "http": HttpSMSBackend,
    "locmem": LocmemSMSBackend,
}


def get_backend() -> SMSBackend:
    name = settings.SMS_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()
