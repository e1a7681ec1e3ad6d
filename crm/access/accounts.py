"""Which accounts a security administrator may act on, beyond the `users.manage` right."""

from ..models import User


def may_reset_password(actor: User, user: User) -> bool:
    """Another's password only: one's own is changed on one's account page, with the current one entered."""
    return user.id != actor.id
