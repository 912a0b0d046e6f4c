"""Settings: a TOML file, environment overrides, clear errors naming the key, `psad config init`."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from psad.cli import cli
from psad.config import (
    PROJECT_ROOT,
    REQUIRED,
    SECTIONS,
    DatabaseSettings,
    Settings,
    WebSettings,
    load_settings,
)
from psad.errors import ConfigError

KEY = "a-secret-key-long-enough-0123456789"


@pytest.fixture
def config_file(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a config.toml in a temporary folder and return its path."""

    def write(text: str) -> Path:
        path = tmp_path / "config.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_values_are_read_from_the_toml_file(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\nport = 8080\n[auth]\nmax_failed_logins = 3\n')

    settings = load_settings(path, environ={})

    assert settings.web.secret_key == KEY
    assert settings.web.port == 8080
    assert settings.auth.max_failed_logins == 3


def test_missing_keys_take_their_documented_default(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n')

    settings = load_settings(path, environ={})

    assert settings.web.session_idle_minutes == 60
    assert settings.auth.min_password_length == 12
    assert settings.database.url == "sqlite:///psad.sqlite"


def test_section_key_variable_overrides_the_file(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\nport = 8080\n')

    settings = load_settings(path, environ={"PSAD_WEB_PORT": "9090"})

    assert settings.web.port == 9090


def test_every_section_can_be_overridden_by_environment(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n')

    settings = load_settings(
        path,
        environ={
            "PSAD_AUTH_LOCKOUT_MINUTES": "30",
            "PSAD_DATA_MAX_AGE": "26",
            "PSAD_IMPORTS_MAX_ROWS": "1000",
            "PSAD_DATABASE_ECHO": "true",
        },
    )

    assert settings.auth.lockout_minutes == 30
    assert settings.data.max_age == 26
    assert settings.imports.max_rows == 1000
    assert settings.database.echo is True


def test_boolean_variable_accepts_french_words(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n')

    settings = load_settings(path, environ={"PSAD_WEB_SECURE_COOKIES": "non"})

    assert settings.web.secure_cookies is False


def test_short_variable_psad_secret_key_sets_the_secret(config_file):
    path = config_file('[web]\nsecret_key = "the-one-in-the-file-000"\n')

    settings = load_settings(path, environ={"PSAD_SECRET_KEY": KEY})

    assert settings.web.secret_key == KEY


def test_short_variable_psad_database_url_sets_the_database(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n[database]\nurl = "sqlite:///file.db"\n')
    url = "postgresql+psycopg://psad@db.example:5432/psad"

    settings = load_settings(path, environ={"PSAD_DATABASE_URL": url})

    assert settings.database_url == url


def test_secret_key_can_come_from_the_environment_alone(tmp_path):
    settings = load_settings(tmp_path / "absent.toml", environ={"PSAD_SECRET_KEY": KEY})

    assert settings.web.secret_key == KEY


def test_missing_secret_key_names_the_key_and_its_variable(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings(tmp_path / "absent.toml", environ={})

    assert "[web] secret_key" in str(error.value)
    assert "PSAD_WEB_SECRET_KEY" in str(error.value)
    assert "obligatoire" in str(error.value)


def test_too_short_secret_key_is_refused(config_file):
    path = config_file('[web]\nsecret_key = "short"\n')

    with pytest.raises(ConfigError, match=re.escape("[web] secret_key")):
        load_settings(path, environ={})


def test_invalid_integer_in_file_names_the_key(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\nport = "huit mille"\n')

    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})

    assert "[web] port" in str(error.value)
    assert "nombre entier" in str(error.value)


def test_invalid_integer_in_environment_names_the_key(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n')

    with pytest.raises(ConfigError, match=re.escape("[auth] lockout_minutes")):
        load_settings(path, environ={"PSAD_AUTH_LOCKOUT_MINUTES": "quinze"})


def test_negative_integer_is_refused(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n')

    with pytest.raises(ConfigError, match=re.escape("[web] session_idle_minutes")):
        load_settings(path, environ={"PSAD_WEB_SESSION_IDLE_MINUTES": "-5"})


def test_invalid_boolean_names_the_key(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\nsecure_cookies = "peut-être"\n')

    with pytest.raises(ConfigError, match=re.escape("[web] secure_cookies")):
        load_settings(path, environ={})


def test_unknown_key_is_refused_with_its_name(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\nprot = 8080\n')

    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})

    assert "[web] prot" in str(error.value)
    assert "inconnue" in str(error.value)


def test_unknown_section_is_refused_with_its_name(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n[mel]\nhost = "smtp"\n')

    with pytest.raises(ConfigError, match=re.escape("[mel]")):
        load_settings(path, environ={})


def test_unreadable_toml_is_reported_with_the_file_name(config_file):
    path = config_file("[web\nsecret_key = ")

    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})

    assert "illisible" in str(error.value)
    assert str(path) in str(error.value)


# --- [sms] and [messages] -------------------------------------------------------------


def test_sms_is_off_without_a_url(config_file):
    settings = load_settings(config_file(f'[web]\nsecret_key = "{KEY}"\n'), environ={})

    assert not settings.sms.enabled
    assert settings.sms.sender == "PSAD"
    assert settings.messages.link_days == 30 and settings.messages.max_recipients == 50


def test_sms_gateway_is_read_from_the_file_and_the_environment(config_file):
    path = config_file(
        f'[web]\nsecret_key = "{KEY}"\n[sms]\nurl = "https://sms.example.org/api/send"\n'
        'sender = "PSADLille"\n'
    )

    settings = load_settings(path, environ={"PSAD_SMS_API_KEY": "k-0123456789"})

    assert settings.sms.enabled
    assert (settings.sms.url, settings.sms.sender, settings.sms.api_key) == (
        "https://sms.example.org/api/send",
        "PSADLille",
        "k-0123456789",
    )


def test_sms_username_without_password_is_refused(config_file):
    path = config_file(
        f'[web]\nsecret_key = "{KEY}"\n[sms]\nurl = "https://sms.example.org"\nusername = "psad"\n'
    )

    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})

    assert str(error.value) == (
        "Configuration : [sms] username et password vont ensemble (l'un est donné sans l'autre)."
    )


@pytest.mark.parametrize(
    "url",
    ["sms.example.org/api", "http://sms.example.org/api", "ftp://127.0.0.1/api", "https://"],
)
def test_sms_url_is_https_or_http_to_this_machine(config_file, url):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n[sms]\nurl = "{url}"\n')

    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})

    assert str(error.value) == (
        "Configuration : [sms] url doit commencer par https:// (http:// seulement vers cette "
        f"machine : 127.0.0.1, ::1 ou localhost) ; reçu « {url} »."
    )


@pytest.mark.parametrize(
    "url", ["https://sms.example.org/api", "http://127.0.0.1:8025/sms", "http://[::1]/sms"]
)
def test_sms_url_over_https_or_to_loopback_is_taken(config_file, url):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n[sms]\nurl = "{url}"\n')

    assert load_settings(path, environ={}).sms.url == url


def test_sms_stop_notice_knows_only_the_link(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n[sms]\nstop_notice = "STOP au {{numero}}"\n')

    with pytest.raises(ConfigError, match=re.escape("ne connaît qu'une variable, {lien}")):
        load_settings(path, environ={})


@pytest.mark.parametrize(
    ("sender", "secret", "takes"),
    [("PSAD", "s3cret", False), ("38000", None, False), ("38000", "s3cret", True)],
)
def test_sms_replies_need_a_numeric_sender_and_the_inbound_secret(
    config_file, sender, secret, takes
):
    inbound = f'inbound_secret = "{secret}"\n' if secret else ""
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n[sms]\nsender = "{sender}"\n{inbound}')

    assert load_settings(path, environ={}).sms.takes_replies is takes


@pytest.mark.parametrize(
    ("proxies", "said"),
    [
        (-1, "[web] trusted_proxies doit être positif (reçu -1)."),
        (6, "[web] trusted_proxies compte les proxys devant l'application, de 0 à 5 (reçu 6)."),
    ],
)
def test_web_trusted_proxies_is_bounded(config_file, proxies, said):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\ntrusted_proxies = {proxies}\n')

    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})

    assert str(error.value) == f"Configuration : {said}"


@pytest.mark.parametrize("sender", ["PSAD de Lille", "PSAD-Lille", "PSADdeLille59"])
def test_sms_sender_is_eleven_letters_or_digits_at_most(config_file, sender):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n[sms]\nsender = "{sender}"\n')

    with pytest.raises(ConfigError, match=re.escape("[sms] sender compte de 1 à 11")):
        load_settings(path, environ={})


def test_sms_timeout_must_be_a_number(config_file):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n')

    with pytest.raises(ConfigError, match=re.escape("[sms] timeout_seconds")):
        load_settings(path, environ={"PSAD_SMS_TIMEOUT_SECONDS": "dix"})


@pytest.mark.parametrize("hour", [24])
def test_messages_reminder_hour_is_an_hour_of_the_day(config_file, hour):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n[messages]\nreminder_hour = {hour}\n')

    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})

    assert str(error.value) == (
        f"Configuration : [messages] reminder_hour est une heure de 0 à 23 (reçu {hour})."
    )


@pytest.mark.parametrize("key", ["max_recipients", "link_days", "answers_per_link"])
def test_messages_counts_are_at_least_one(config_file, key):
    path = config_file(f'[web]\nsecret_key = "{KEY}"\n[messages]\n{key} = 0\n')

    with pytest.raises(ConfigError, match=re.escape("valent au moins 1")):
        load_settings(path, environ={})


def test_psad_config_variable_chooses_the_file(tmp_path):
    path = tmp_path / "elsewhere.toml"
    path.write_text(f'[web]\nsecret_key = "{KEY}"\nport = 7000\n', encoding="utf-8")

    settings = load_settings(environ={"PSAD_CONFIG": str(path)})

    assert settings.web.port == 7000


def test_default_file_is_config_toml_in_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text(
        f'[web]\nsecret_key = "{KEY}"\nport = 7001\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)

    settings = load_settings(environ={})

    assert settings.web.port == 7001


def test_relative_sqlite_url_resolves_in_instance_folder(tmp_path):
    settings = Settings(
        web=WebSettings(secret_key=KEY),
        database=DatabaseSettings(url="sqlite:///psad.sqlite"),
        instance_path=tmp_path / "instance",
    )

    assert settings.database_url == f"sqlite:///{tmp_path / 'instance' / 'psad.sqlite'}"


def test_absolute_sqlite_url_is_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'data' / 'psad.sqlite'}"
    settings = Settings(
        web=WebSettings(secret_key=KEY),
        database=DatabaseSettings(url=url),
        instance_path=tmp_path / "instance",
    )

    assert settings.database_url == url


def test_instance_folder_can_be_set_by_environment(tmp_path):
    settings = load_settings(
        tmp_path / "absent.toml",
        environ={"PSAD_SECRET_KEY": KEY, "PSAD_INSTANCE_PATH": str(tmp_path / "inst")},
    )

    assert settings.database_url == f"sqlite:///{tmp_path / 'inst' / 'psad.sqlite'}"


def _documented_defaults() -> dict[tuple[str, str], object]:
    """`# key = value` lines of config.example.toml, by section."""
    text = (PROJECT_ROOT / "config.example.toml").read_text(encoding="utf-8")
    documented: dict[tuple[str, str], object] = {}
    section = ""
    for line in text.splitlines():
        if header := re.fullmatch(r"\[(\w+)\]", line.strip()):
            section = header[1]
        elif setting := re.fullmatch(r"#\s*(\w+\s*=.*)", line.strip()):
            try:
                documented.update({(section, k): v for k, v in tomllib.loads(setting[1]).items()})
            except tomllib.TOMLDecodeError:
                continue  # a comment that is prose, not a setting
    return documented


@pytest.mark.parametrize(
    ("section", "key"),
    [(name, f.name) for name, cls in SECTIONS.items() for f in dataclasses.fields(cls)],
)
def test_example_config_documents_every_key_with_its_default(section, key):
    default = next(f.default for f in dataclasses.fields(SECTIONS[section]) if f.name == key)

    documented = _documented_defaults()

    assert (section, key) in documented
    if default is not REQUIRED and default is not None:  # an optional key shows an example
        assert documented[(section, key)] == default


def test_config_init_writes_a_config_with_a_random_secret_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PSAD_CONFIG", raising=False)

    result = CliRunner().invoke(cli, ["config", "init"])

    assert result.exit_code == 0, result.output
    assert "Configuration locale créée" in result.output
    written = tomllib.loads((tmp_path / "config.toml").read_text(encoding="utf-8"))
    assert len(written["web"]["secret_key"]) >= 32
    assert written["web"]["secret_key"] != "change-me"


def test_config_init_file_is_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PSAD_CONFIG", raising=False)

    CliRunner().invoke(cli, ["config", "init"])

    mode = (tmp_path / "config.toml").stat().st_mode
    assert mode & 0o600 == 0o600  # its owner reads and writes it
    assert mode & 0o077 == 0  # nobody else


def test_config_init_gives_a_different_key_each_time(tmp_path, monkeypatch):
    keys = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        monkeypatch.chdir(folder)
        CliRunner().invoke(cli, ["config", "init"], env={"PSAD_CONFIG": None})
        keys.append(tomllib.loads((folder / "config.toml").read_text())["web"]["secret_key"])

    assert keys[0] != keys[1]


def test_config_written_by_init_loads_without_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(cli, ["config", "init"], env={"PSAD_CONFIG": None})

    settings = load_settings(environ={})

    assert len(settings.web.secret_key) >= 32
    assert settings.web.secure_cookies is False  # a local run serves plain http


def test_config_init_keeps_an_existing_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text(f'[web]\nsecret_key = "{KEY}"\n', encoding="utf-8")

    result = CliRunner().invoke(cli, ["config", "init"], env={"PSAD_CONFIG": None})

    assert result.exit_code == 0
    assert "Configuration existante conservée" in result.output
    assert KEY in (tmp_path / "config.toml").read_text(encoding="utf-8")


def test_config_init_honours_psad_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "etc" / "psad.toml"
    target.parent.mkdir()

    result = CliRunner().invoke(cli, ["config", "init"], env={"PSAD_CONFIG": str(target)})

    assert result.exit_code == 0
    assert target.exists()
    assert not (tmp_path / "config.toml").exists()
