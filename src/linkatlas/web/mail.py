"""Sending the quick report's link by email over SMTP (``smtplib``; no third-party client).

The operator chooses the relay at start (settings ``smtp_host``, ``smtp_port``, ``smtp_from``,
``smtp_starttls``, ``smtp_user``, ``smtp_password``); a request only supplies the recipient,
already validated by ``email-validator``. A failure to deliver (relay down, refused, timeout)
raises ``MailError`` with one line, which fails the job with that message.
"""

from __future__ import annotations

import dataclasses
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from linkatlas.errors import LinkatlasError


class MailError(LinkatlasError):
    """The report's email could not be handed to the SMTP relay."""


@dataclasses.dataclass(frozen=True, slots=True)
class MailConfig:
    """Where and how to send (empty host: mail is off and the job says so)."""

    host: str = ""
    port: int = 25
    sender: str = "linkatlas@localhost"
    starttls: bool = False
    user: str = ""
    password: str = ""
    timeout: float = 20.0


def report_message(sender: str, to: str, site: str, link: str) -> EmailMessage:
    """The email announcing a finished quick report, plain text."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = f"Your link report for {site}"
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    msg.set_content(
        f"Hello,\n\nthe quick link report you asked for is ready:\n\n{link}\n\n"
        f"It shows what the linkatlas index knows about links to {site}: the profile, the top\n"
        "risks, the top opportunities and next steps. The link is private: anyone who has it\n"
        "can read the report.\n\nIf you did not ask for this report, ignore this email.\n")
    return msg


def send(config: MailConfig, msg: EmailMessage) -> None:
    """Hand ``msg`` to the relay; ``MailError`` with the reason on any failure."""
    if not config.host:
        raise MailError("mail is not configured (setting smtp_host): the report was not sent")
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            if config.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if config.user:
                smtp.login(config.user, config.password)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise MailError(f"could not send the email via {config.host}:{config.port}: "
                        f"{reason}") from exc
