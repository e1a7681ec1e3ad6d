"""Who works a supervision order (督办): the receivers answer it, its issuer closes it or sends it back.

- issue: a district leader (区领导) or the office (admin), by the right `supervision.issue`;
- answer (办理情况): the person it names, or, for an order to a unit, the people who serve the project (its chief
  service officer and service team, its team's lead and members); the office may record an answer for them;
- close (销号) or send back: the leader who issued it, or the office.
"""

from ..models import Role, Supervision, User
from .changes import may_serve


def may_answer(user: User, order: Supervision) -> bool:
    """Whether the user may answer the order."""
    if user.role is Role.ADMIN:
        return True
    if order.receiver_id is not None:
        return order.receiver_id == user.id
    return may_serve(user, order.project)


def may_close(user: User, order: Supervision) -> bool:
    """Whether the user may close the order (销号) or send it back."""
    return user.role is Role.ADMIN or (user.role is Role.LEADER and order.issuer_id == user.id)
