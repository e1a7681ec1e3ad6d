"""Default settings; secrets and the database come from the environment."""

import os
from datetime import timedelta


class Config:
    """Settings every instance starts from."""

    SECRET_KEY: str | None = None  # required outside debug and tests: see create_app
    SQLALCHEMY_DATABASE_URI: str | None = None  # DATABASE_URL, else SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_FOLDER: str | None = None  # default: <instance>/uploads

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_CN": "中文", "en": "English"}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True  # switched off only for debug and plain-http loopback serving
    SESSION_IDLE_LIMIT = timedelta(hours=2)
    SESSION_ABSOLUTE_LIMIT = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_MAX_PER_USER = 3  # a sign-in beyond it ends the account's oldest sessions
    REAUTH_WINDOW = timedelta(minutes=10)  # privileged actions ask for the password again after this long

    # Two-factor sign-in (TOTP, RFC 6238): the roles that must use it (FLASK_MFA_REQUIRED_ROLES, a JSON list)
    MFA_REQUIRED_ROLES = ["admin", "leader", "city", "security", "auditor"]
    MFA_ISSUER = "招商通"  # the name an authenticator app shows beside the account
    MFA_PENDING_LIMIT = timedelta(minutes=5)  # between the right password and the code
    MFA_ENROL_LIMIT = timedelta(minutes=15)  # between the right password and a required enrolment's first code
    MFA_TRIES_PER_SIGN_IN = 5  # wrong codes before the sign-in starts over with the password
    MFA_FAILURES_PER_WINDOW = 10  # wrong codes per account within the window, however many sign-ins they span
    MFA_FAILURE_WINDOW = timedelta(minutes=15)
    MFA_FAILURES_PER_DAY = 30  # and per 24 hours: a guesser's chance stays below 1 in 10,000 a day

    # argon2id, RFC 9106 second recommended option (64 MiB, 3 passes, 4 lanes)
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 4

    # The password policy (crm/passwords.py), by default what 等保2.0 三级 asks for
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_MIN_CLASSES = 3  # of 4: lower case, upper case, digits, symbols
    PASSWORD_MAX_SEQUENCE = 3  # longest run in order allowed: abcd, 4321, qwer are refused (0: no check)
    PASSWORD_MAX_REPEAT = 3  # most times a character may follow itself: aaaa is refused (0: no check)
    PASSWORD_REJECT_USERNAME = True

    # The sign-in throttle (crm/auth/throttle.py): failures in a sliding window; a success gives none back
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    LOGIN_ADDRESS_FAILURES = 20  # per address in the window, whatever accounts they name
    LOGIN_ADDRESS_DAILY_FAILURES = 100  # per address in 24 hours
    LOGIN_FAILURES_BEFORE_WAIT = 5  # per account from one address in the window
    LOGIN_ACCOUNT_FAILURES = 10  # per account in the window from addresses and devices it never signed in from
    LOGIN_WAIT = timedelta(seconds=60)  # an account's wait: doubles with each further failure, capped below
    LOGIN_WAIT_MAX = timedelta(minutes=15)
    LOGIN_KNOWN_ADDRESS_FOR = timedelta(days=90)  # an address that signed in to an account since is known to it
    LOGIN_DEVICE_TRUST = timedelta(days=180)  # how long a browser's device cookie lasts after its last sign-in
    LOGIN_DEVICE_FAILURES = 10  # failures with one device cookie in the window before it stops counting

    CITY_NAME = "十堰市"  # the city whose districts share the deployment
    DISTRICT_NAME = "张湾区"  # an existing single-district install becomes this district when it migrates
    PROJECT_CODE_PREFIX = "ZW"  # … with this code: its project codes read ZW-2026-001
    PAGE_SIZE = 50
    PHOTO_MAX_BYTES = 10 * 1024 * 1024
    DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
    OVERDUE_START_MONTHS = 6  # signed this long ago and not started: 超时限未开工
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024  # a request with several photos; each photo is checked on its own

    # Spreadsheet imports (crm/imports/limits.py): a sheet over these is refused before it is parsed; the parser
    # runs in a child process killed past its memory (address space, bytes) or its wall-clock time (seconds)
    IMPORT_MAX_ROWS = 50_000  # rows of the sheet, its header among them
    IMPORT_MAX_CELLS = 2_000_000  # rows × columns, from A1 to the last cell holding a value
    IMPORT_PARSE_MEMORY = 1024 * 1024 * 1024
    IMPORT_PARSE_SECONDS = 60
    IMPORT_JOB_STALE = timedelta(seconds=60)  # a running job whose heartbeat is older died with its process
    IMPORT_HEARTBEAT_SECONDS = 5.0  # how often a running job says it is alive, progress or not

    # Reminders (crm/reminders), sent by `flask reminders run` from cron or a systemd timer; each read from the
    # environment as FLASK_<NAME> (FLASK_MAIL_SERVER=smtp.example.gov.cn …)
    MAIL_SERVER: str | None = None  # unset: no e-mail
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS after connecting (port 587)
    MAIL_USE_SSL = False  # TLS from the start (port 465)
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "招商通 <noreply@localhost>"
    MAIL_TIMEOUT = 30  # seconds per SMTP operation
    BASE_URL = "http://127.0.0.1:5000"  # where links in mails and group messages point: https://zst.example.gov.cn
    REMINDER_DIGEST_WEEKDAY = 0  # the weekly digest's day: 0 Monday … 6 Sunday
    WEBHOOK_TIMEOUT = 10  # seconds per group robot's post


def database_url_from_env() -> str | None:
    """Return DATABASE_URL, spelled for SQLAlchemy's psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
