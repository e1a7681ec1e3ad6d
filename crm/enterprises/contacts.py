"""People at an enterprise: adding, removing, and who sees their phone and WeChat ID in full.

A contact's phone and WeChat ID are personal information (个人信息保护法). The team that holds the contact (the team
of whoever added it) and the district's admins see them in full; everyone else in the district sees them masked
(138****5678, wx****ng) and may reveal one, which the audit trail records (Art. 51: access is controlled and
logged). Contacts added by the office or an import are held by no team: only admins see them unmasked.
"""

import re

from ..core.audit import record
from ..extensions import db
from ..models import Contact, Enterprise, Role, User

# Loose on purpose: mobile, landline with area code and extension, +86; the digits are checked by people.
PHONE = re.compile(r"^[0-9 +\-]{5,20}$")


def add_contact(enterprise: Enterprise, *, added_by: User, name: str, title: str | None = None,
                phone: str | None = None, wechat: str | None = None) -> Contact:
    """Add a person at an enterprise, held by the team of whoever adds it."""
    contact = Contact(enterprise_id=enterprise.id, team_id=added_by.team_id, name=name.strip(),
                      title=blank_to_none(title), phone=blank_to_none(phone), wechat=blank_to_none(wechat))
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


def mask_wechat(wechat: str | None) -> str:
    """Hide the middle of a WeChat ID: its first two and last two characters stay, wx****ng."""
    if not wechat:
        return ""
    if len(wechat) <= 4:
        return wechat[0] + "*" * (len(wechat) - 1)
    return f"{wechat[:2]}****{wechat[-2:]}"


def shown_in_full(viewer: User, contact: Contact) -> bool:
    """Whether the viewer sees the contact's numbers unmasked: the district's admins and the team holding it."""
    if viewer.role is Role.ADMIN:
        return True
    return contact.team_id is not None and viewer.team_id == contact.team_id


def reveal_contact(contact: Contact, *, viewer: User, address: str | None = None) -> Contact:
    """Show one contact's numbers in full to a viewer; recorded when the viewer would otherwise see them masked."""
    if not shown_in_full(viewer, contact):
        record("contact_revealed", user_id=viewer.id, entity="Contact", entity_id=contact.id, address=address)
        db.session.flush()
    return contact
