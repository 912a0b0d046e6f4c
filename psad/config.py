"""Settings: read from a TOML file, every key overridable by an environment variable.

The file is ``$PSAD_CONFIG`` (default ``config.toml`` in the working directory). Each key
``[section] key`` can be overridden by ``PSAD_<SECTION>_<KEY>``; the two that matter most also
have short names, ``PSAD_SECRET_KEY`` and ``PSAD_DATABASE_URL``. ``config.example.toml``
documents every key with its default; keep it in step with the dataclasses below.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from psad.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
# A wheel carries the templates, migrations, import profiles and example configuration in
# psad/_shipped (pyproject.toml: force-include); a checkout, or an editable install, reads
# them where they live, in the project's top-level folders.
SHIPPED_DIR = PACKAGE_DIR / "_shipped"
INSTALLED = SHIPPED_DIR.is_dir()
# Where instance/ and the drop folder live by default: the checkout, or the working
# directory of an installed package.
PROJECT_ROOT = Path.cwd() if INSTALLED else PACKAGE_DIR.parent


def shipped(relative: str) -> Path:
    """A file or folder the application ships (``templates``, ``migrations``...)."""
    return (SHIPPED_DIR if INSTALLED else PACKAGE_DIR.parent) / relative


SHORT_ENV_NAMES = {
    "PSAD_SECRET_KEY": ("web", "secret_key"),
    "PSAD_DATABASE_URL": ("database", "url"),
}
REQUIRED = object()


MAX_PROXIES = 5
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
STOP_VARIABLE = "{lien}"


@dataclass(frozen=True)
class WebSettings:
    secret_key: str = field(default=REQUIRED)  # type: ignore[assignment]
    host: str = "127.0.0.1"
    port: int = 5000
    threads: int = 8
    session_idle_minutes: int = 60
    session_max_hours: int = 12
    secure_cookies: bool = True
    max_upload_mb: int = 20
    # The app's public address (``https://psad.example.org``): links in e-mails are built
    # from it, never from a request.
    base_url: str | None = None
    # Reverse proxies in front of the app (0: none). With n, the client's address and scheme
    # are read from the n-th last X-Forwarded-For / X-Forwarded-Proto value: set it to the
    # number of proxies that add them, never more (a client could then forge its address).
    trusted_proxies: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.trusted_proxies <= MAX_PROXIES:
            raise ConfigError(
                f"Configuration : [web] trusted_proxies compte les proxys devant l'application, "
                f"de 0 à {MAX_PROXIES} (reçu {self.trusted_proxies})."
            )
        if self.base_url is not None:
            if not self.base_url.startswith(("https://", "http://")):
                raise ConfigError(
                    "Configuration : [web] base_url doit commencer par https:// ou http:// "
                    f"(reçu « {self.base_url} »)."
                )
            object.__setattr__(self, "base_url", self.base_url.rstrip("/"))


MAIL_SECURITIES = ("none", "starttls", "tls")


@dataclass(frozen=True)
class MailSettings:
    """The SMTP server. Without a host, e-mail is off: the app runs, reminders stay in-app."""

    host: str | None = None
    port: int = 587
    security: str = "starttls"  # none, starttls or tls (implicit TLS, port 465)
    username: str | None = None
    password: str | None = None
    sender: str = "psad@localhost"
    # A CA file to trust besides the system's (a relay with a private certificate).
    ca_file: str | None = None
    timeout_seconds: int = 30
    # Delivery is retried with back-off (1, 2, 4... minutes, at most 6 hours apart); after
    # this many attempts the message is marked failed and listed for administrators.
    max_attempts: int = 10
    # The e-mails to users (reminders' digests, password links), sent or failed, are deleted
    # this many days after they were written. Messages to youth follow the youth's retention.
    keep_sent_days: int = 30

    def __post_init__(self) -> None:
        if self.security not in MAIL_SECURITIES:
            raise ConfigError(
                "Configuration : [mail] security doit valoir none, starttls ou tls "
                f"(reçu « {self.security} »)."
            )
        if (self.username is None) != (self.password is None):
            raise ConfigError(
                "Configuration : [mail] username et password vont ensemble (l'un est donné "
                "sans l'autre)."
            )

    @property
    def enabled(self) -> bool:
        return self.host is not None


@dataclass(frozen=True)
class ReminderSettings:
    """When the daily reminders run, and the default thresholds (a PSAD may change them)."""

    hour: int = 7
    minute: int = 0
    list_not_contacted_days: int = 30
    no_contact_days: int = 45
    darfi_notice_days: int = 3
    obligation_notice_days: int = 7
    majority_notice_days: int = 30
    committee_notice_days: int = 7

    def __post_init__(self) -> None:
        if self.hour > 23 or self.minute > 59:
            raise ConfigError(
                f"Configuration : [reminders] hour et minute forment une heure (reçu "
                f"{self.hour}:{self.minute:02d})."
            )


def _https_or_loopback(url: str) -> bool:
    """An https:// address, or http:// to this machine (a gateway's local relay, the tests'
    loopback server): credentials and numbers never cross a network in clear."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


@dataclass(frozen=True)
class SmsSettings:
    """The SMS gateway (one HTTP API for the installation; each PSAD switches SMS on). Without
    a URL, SMS is not offered."""

    url: str | None = None  # https://... the gateway's endpoint receiving one SMS as JSON
    username: str | None = None  # HTTP Basic, with password
    password: str | None = None
    api_key: str | None = None  # or « Authorization: Bearer <api_key> »
    sender: str = "PSAD"  # the sender name shown (11 letters or digits at most)
    timeout_seconds: int = 10
    max_attempts: int = 10
    # The shared secret the gateway sends (header X-PSAD-Secret) with the SMS it receives
    # (« STOP »), on POST /sms/entrant. None: no inbound SMS.
    inbound_secret: str | None = None
    # Appended to every SMS (which always carries the personal link): how to stop. The link's
    # page has « Ne plus être contacté·e »; an alphanumeric sender cannot receive « STOP »
    # replies. {lien} may be used: the same link again.
    stop_notice: str = "Pour ne plus recevoir de message, ouvrez le lien."

    def __post_init__(self) -> None:
        if (self.username is None) != (self.password is None):
            raise ConfigError(
                "Configuration : [sms] username et password vont ensemble (l'un est donné "
                "sans l'autre)."
            )
        if self.url is not None and not _https_or_loopback(self.url):
            raise ConfigError(
                "Configuration : [sms] url doit commencer par https:// (http:// seulement vers "
                f"cette machine : 127.0.0.1, ::1 ou localhost) ; reçu « {self.url} »."
            )
        leftover = self.stop_notice.replace(STOP_VARIABLE, "")
        if "{" in leftover or "}" in leftover:
            raise ConfigError(
                "Configuration : [sms] stop_notice ne connaît qu'une variable, {lien} "
                f"(reçu « {self.stop_notice} »)."
            )
        if not (1 <= len(self.sender) <= 11 and self.sender.isascii() and self.sender.isalnum()):
            raise ConfigError(
                "Configuration : [sms] sender compte de 1 à 11 lettres sans accent ou chiffres "
                f"(reçu « {self.sender} »)."
            )

    @property
    def enabled(self) -> bool:
        return self.url is not None

    @property
    def takes_replies(self) -> bool:
        """Whether a youth can answer an SMS « STOP »: the sender is a phone number (an
        alphanumeric sender cannot be answered) and the gateway forwards what it receives."""
        return self.sender.isdigit() and self.inbound_secret is not None


@dataclass(frozen=True)
class MessagesSettings:
    """Messages to youth and the public reply page."""

    max_recipients: int = 50  # youth written to at once from a list
    link_days: int = 30  # a personal link's life
    reply_hits_per_address: int = 30  # reply page requests per client address per 10 minutes
    reply_wrong_tokens_per_address: int = 10  # wrong links per address before 15 minutes' lock
    answers_per_link: int = 5
    reminder_hour: int = 10  # the automatic reminders' daily run (Paris)

    def __post_init__(self) -> None:
        if not 0 <= self.reminder_hour <= 23:
            raise ConfigError(
                f"Configuration : [messages] reminder_hour est une heure de 0 à 23 "
                f"(reçu {self.reminder_hour})."
            )
        if min(self.max_recipients, self.link_days, self.answers_per_link) < 1:
            raise ConfigError(
                "Configuration : [messages] max_recipients, link_days et answers_per_link "
                "valent au moins 1."
            )


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite:///psad.sqlite"
    echo: bool = False


@dataclass(frozen=True)
class AuthSettings:
    max_failed_logins: int = 5
    max_failed_logins_per_address: int = 20
    max_failed_logins_per_account: int = 50
    lockout_minutes: int = 15
    min_password_length: int = 12
    # A password-reset link's life, and the requests one account, or one client address,
    # may make in an hour (beyond, the same answer is shown and nothing is sent).
    reset_link_minutes: int = 60
    reset_requests_per_account: int = 3
    reset_requests_per_address: int = 10
    # The name authenticator applications show beside the account (two-factor log-in).
    totp_issuer: str = "PSAD"
    # Wrong two-factor codes one account may have in a day, whatever the addresses, before
    # its log-in is locked for a day.
    max_failed_codes_per_day: int = 30


@dataclass(frozen=True)
class ImportSettings:
    inbox_dir: str = "imports/inbox"
    upload_dir: str = "uploads"
    keep_uploads_days: int = 30
    max_file_mb: int = 20
    max_rows: int = 300_000
    inbox_minutes: int = 10


@dataclass(frozen=True)
class DataSettings:
    min_age: int = 16
    max_age: int = 25


@dataclass(frozen=True)
class Settings:
    web: WebSettings
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    imports: ImportSettings = field(default_factory=ImportSettings)
    data: DataSettings = field(default_factory=DataSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    sms: SmsSettings = field(default_factory=SmsSettings)
    messages: MessagesSettings = field(default_factory=MessagesSettings)
    instance_path: Path = field(default=PROJECT_ROOT / "instance")

    @property
    def database_url(self) -> str:
        """The URL with a relative SQLite path resolved against ``instance/``."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and url != "sqlite:///:memory:":
            path = Path(url[len(prefix) :])
            if not path.is_absolute():
                return prefix + str(self.instance_path / path)
        return url

    def resolve(self, relative: str) -> Path:
        """A path setting: absolute as given, relative ones against ``instance/``."""
        path = Path(relative)
        return path if path.is_absolute() else self.instance_path / path

    @property
    def profiles_dir(self) -> Path:
        return shipped("imports/profiles")

    @property
    def inbox_dir(self) -> Path:
        path = Path(self.imports.inbox_dir)
        return path if path.is_absolute() else PROJECT_ROOT / path


SECTIONS: dict[str, type] = {
    "web": WebSettings,
    "database": DatabaseSettings,
    "auth": AuthSettings,
    "imports": ImportSettings,
    "data": DataSettings,
    "mail": MailSettings,
    "reminders": ReminderSettings,
    "sms": SmsSettings,
    "messages": MessagesSettings,
}


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("PSAD_CONFIG", "config.toml"))


def load_settings(
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: dict[str, object],
) -> Settings:
    """Read the TOML file (if any), apply environment overrides, validate every key."""
    environ = os.environ if environ is None else environ
    path = config_path(environ) if path is None else path
    raw: dict[str, dict[str, object]] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"Configuration illisible ({path}) : {exc}") from exc
    for section in raw:
        if section not in SECTIONS:
            raise ConfigError(f"Configuration : section [{section}] inconnue dans {path}.")
    for section, values in overrides.items():
        raw.setdefault(section, {}).update(values)
    built = {
        name: _build_section(name, cls, dict(raw.get(name, {})), environ, path)
        for name, cls in SECTIONS.items()
    }
    instance = Path(str(environ.get("PSAD_INSTANCE_PATH", PROJECT_ROOT / "instance")))
    return Settings(instance_path=instance, **built)  # type: ignore[arg-type]


def _build_section(
    name: str, cls: type, values: dict[str, object], environ: Mapping[str, str], path: Path
) -> object:
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    for key in values:
        if key not in known:
            raise ConfigError(f"Configuration : clé [{name}] {key} inconnue dans {path}.")
    for env_name, (section, key) in SHORT_ENV_NAMES.items():
        if section == name and env_name in environ:
            values[key] = environ[env_name]
    kwargs: dict[str, object] = {}
    for key, spec in known.items():
        env_name = f"PSAD_{name.upper()}_{key.upper()}"
        if env_name in environ:
            values[key] = environ[env_name]
        if key not in values:
            if spec.default is REQUIRED:
                raise ConfigError(
                    f"Configuration : la clé [{name}] {key} est obligatoire "
                    f"(fichier {path} ou variable {env_name})."
                )
            continue
        kwargs[key] = _convert(values[key], hints[key], f"[{name}] {key}")
    return cls(**kwargs)


def _convert(value: object, target: object, where: str) -> object:
    if isinstance(target, types.UnionType):
        target = next(t for t in typing.get_args(target) if t is not type(None))
    if target is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "oui", "on"}:
            return True
        if text in {"0", "false", "no", "non", "off"}:
            return False
        raise ConfigError(f"Configuration : {where} doit valoir true ou false (reçu « {value} »).")
    if target is int:
        if isinstance(value, bool):
            raise ConfigError(f"Configuration : {where} doit être un nombre entier.")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ConfigError(
                f"Configuration : {where} doit être un nombre entier (reçu « {value} »)."
            ) from None
        if number < 0:
            raise ConfigError(f"Configuration : {where} doit être positif (reçu {number}).")
        return number
    text = str(value)
    if where.endswith("secret_key") and len(text) < 16:
        raise ConfigError(f"Configuration : {where} doit compter au moins 16 caractères.")
    if not text.strip():
        raise ConfigError(f"Configuration : {where} ne peut pas être vide.")
    return text


def write_local_config(path: Path) -> bool:
    """Create a local configuration with a random secret key; False when it already exists."""
    if path.exists():
        return False
    template = shipped("config.example.toml").read_text(encoding="utf-8")
    key = secrets.token_urlsafe(48)
    text = template.replace('# secret_key = "change-me"', f'secret_key = "{key}"')
    # A local run serves plain http on the loopback address.
    text = text.replace("# secure_cookies = true", "secure_cookies = false")
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return True
