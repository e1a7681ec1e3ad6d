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


def database_url_from_env() -> str | None:
    """Return DATABASE_URL, spelled for SQLAlchemy's psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
