"""People at an enterprise: adding, removing, and showing their phones masked in lists."""

import re

from ..extensions import db
from ..models import Contact, Enterprise

# Loose on purpose: mobile, landline with area code and extension, +86; the digits are checked by people.
PHONE = re.compile(r"^[0-9 +\-]{5,20}$")


def add_contact(enterprise: Enterprise, *, name: str, title: str | None = None, phone: str | None = None,
                wechat: str | None = None) -> Contact:
    """Add a person at an enterprise."""
    contact = Contact(enterprise_id=enterprise.id, name=name.strip(), title=blank_to_none(title),
                      phone=blank_to_none(phone), wechat=blank_to_none(wechat))
    db.session.add(contact)
    db.session.flush()
    return contact


def delete_contact(contact: Contact) -> None:
    """Remove a person from an enterprise (the audit trail keeps what was there)."""
    db.session.delete(contact)
    db.session.flush()


def blank_to_none(text: str | None) -> str | None:
    """Return the text stripped, or None when nothing is left."""
    return (text or "").strip() or None


def mask_phone(phone: str | None) -> str:
    """Hide the middle of a phone number, as lists show it: 138****5678."""
    if not phone:
        return ""
    digits = phone.replace(" ", "").replace("-", "")
    if len(digits) >= 8:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * (len(digits) - 2) + digits[-2:]
