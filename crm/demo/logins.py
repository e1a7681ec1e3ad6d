"""The demo's sign-in accounts: one shared password, one login shown per role."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Shown on screen by `flask demo`; demo databases are for trying the system, never for real data.
DEMO_PASSWORD = "magnet-demo-2026"


@dataclass(frozen=True)
class DemoLogins:
    """One (username, password) pair per role."""

    admin: tuple[str, str]
    leader: tuple[str, str]
    lead: tuple[str, str]
    member: tuple[str, str]
    city: tuple[str, str] | None = None  # 市招商局, where the demo has several districts
    security: tuple[str, str] | None = None  # 安全管理员 (三员分立): accounts and the password policy
    auditor: tuple[str, str] | None = None  # 审计管理员: the audit trail

    @classmethod
    def of(cls, admin: str, leader: str, lead: str, member: str, city: str | None = None,
           security: str | None = None, auditor: str | None = None) -> DemoLogins:
        """Build the logins from usernames that share the demo password."""
        def pair(name: str | None) -> tuple[str, str] | None:
            return (name, DEMO_PASSWORD) if name else None
        return cls(*((name, DEMO_PASSWORD) for name in (admin, leader, lead, member)),
                   city=pair(city), security=pair(security), auditor=pair(auditor))

    def as_dict(self) -> dict[str, dict[str, str]]:
        """Return {role: {"username": …, "password": …}} for JSON output."""
        return {role: {"username": pair[0], "password": pair[1]} for role, pair in asdict(self).items() if pair}
