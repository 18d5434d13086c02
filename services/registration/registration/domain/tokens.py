"""Token versioning: a registration keeps a version; a link works only while it carries the current one."""
from __future__ import annotations

from . import DomainError

FIRST_VERSION = 1


def is_current(current_version: int, presented_version: object) -> bool:
    """True when a presented token version is exactly the registration's current one."""
    return (isinstance(presented_version, int) and not isinstance(presented_version, bool)
            and presented_version == current_version)


def next_version(current_version: int) -> int:
    """The version after a reissue: every earlier link stops working."""
    return current_version + 1


def check_reissue(registration_status: str, retreat_status: str) -> None:
    """A new link is for someone who has one: not a waiting or cancelled registration, not a cancelled retreat."""
    if retreat_status == "cancelled":
        raise DomainError("retreat_cancelled", "Retret ini telah dibatalkan; tautan undangan tidak diterbitkan ulang.")
    if registration_status == "cancelled":
        raise DomainError("registration_cancelled", "Pendaftaran ini sudah dibatalkan.")
    if registration_status == "waitlisted":
        raise DomainError("waitlisted", "Pendaftaran ini masih dalam daftar tunggu dan belum memiliki undangan.")
