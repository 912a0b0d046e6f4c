"""The ``[mail] security`` modes against real servers: STARTTLS, implicit TLS, AUTH, and the
reasons given when the certificate, the password or the mode is wrong (nothing is lost)."""

from __future__ import annotations

from psad.outbox.delivery import DeliveryReport, deliver_due
from psad.outbox.models import OutboxState
from tests.mailserver import LoopbackSmtp, make_certificate
from tests.outbox.conftest import NOW, SUBJECT, mail_settings, queue, reloaded


def test_starttls_with_the_test_certificate_trusted_through_ca_file(session, starttls_server):
    queue(session)

    report = deliver_due(session, mail_settings(starttls_server), NOW)

    assert report.sent == 1
    [mail] = starttls_server.wait_for(1)
    assert mail.secure and mail.subject == SUBJECT


def test_implicit_tls(session, smtps_server):
    queue(session)

    report = deliver_due(session, mail_settings(smtps_server), NOW)

    assert report.sent == 1
    [mail] = smtps_server.wait_for(1)
    assert mail.secure


def test_auth_login_over_starttls(session, tmp_path):
    queue(session)
    with LoopbackSmtp(
        tmp_path, security="starttls", username="psad-relay", password="s3cret"
    ) as server:
        report = deliver_due(session, mail_settings(server), NOW)

        assert report.sent == 1
        [mail] = server.wait_for(1)
        assert (mail.username, mail.secure) == ("psad-relay", True)


def test_a_wrong_password_is_retried_with_its_reason(session, tmp_path):
    message = queue(session)
    with LoopbackSmtp(
        tmp_path, security="starttls", username="psad-relay", password="s3cret"
    ) as server:
        report = deliver_due(session, mail_settings(server, password="wrong"), NOW)

        assert report == DeliveryReport(retrying=1)
        assert server.messages == [] and server.failed_logins >= 1
    stored = reloaded(session, message)
    assert stored.state is OutboxState.QUEUED
    assert stored.last_error is not None
    assert stored.last_error.startswith("Authentification refusée par le serveur")
    assert "wrong" not in stored.last_error


def test_an_untrusted_certificate_is_refused_and_nothing_is_lost(session, starttls_server):
    message = queue(session)

    report = deliver_due(session, mail_settings(starttls_server, ca_file=None), NOW)

    assert report == DeliveryReport(retrying=1)
    assert starttls_server.messages == []
    stored = reloaded(session, message)
    assert (stored.state, stored.attempts) == (OutboxState.QUEUED, 1)
    assert stored.last_error == (
        f"Certificat du serveur refusé (127.0.0.1:{starttls_server.port}) : certificat "
        "auto-signé. Si le serveur utilise une autorité privée, indiquez son certificat dans "
        "[mail] ca_file."
    )


def test_an_untrusted_certificate_on_implicit_tls(session, smtps_server):
    message = queue(session)

    deliver_due(session, mail_settings(smtps_server, ca_file=None), NOW)

    assert "Certificat du serveur refusé" in (reloaded(session, message).last_error or "")


def test_a_certificate_for_another_name_is_refused(session, tmp_path):
    message = queue(session)
    certificate = make_certificate(tmp_path, hosts=("smtp.other.example",))
    with LoopbackSmtp(security="starttls", certificate=certificate) as server:
        deliver_due(session, mail_settings(server), NOW)

    assert reloaded(session, message).last_error == (
        f"Certificat du serveur refusé (127.0.0.1:{server.port}) : il ne correspond pas au nom "
        "du serveur ; indiquez dans [mail] host le nom que porte le certificat."
    )


def test_starttls_asked_of_a_server_without_it(session, smtp_server):
    message = queue(session)

    deliver_due(session, mail_settings(smtp_server, security="starttls"), NOW)

    assert reloaded(session, message).last_error == (
        f"Le serveur (127.0.0.1:{smtp_server.port}) ne propose pas STARTTLS : vérifiez "
        "[mail] port et security."
    )


def test_implicit_tls_asked_of_a_plain_server(session, smtp_server):
    message = queue(session)

    deliver_due(session, mail_settings(smtp_server, security="tls"), NOW)

    stored = reloaded(session, message)
    assert stored.state is OutboxState.QUEUED
    assert stored.last_error is not None
    assert stored.last_error.startswith(
        f"Échec de la connexion chiffrée avec le serveur (127.0.0.1:{smtp_server.port})"
    )
    assert stored.last_error.endswith("vérifiez [mail] port et security.")


def test_a_missing_ca_file_is_named(session, starttls_server, tmp_path):
    message = queue(session)
    missing = tmp_path / "absent.pem"

    deliver_due(session, mail_settings(starttls_server, ca_file=str(missing)), NOW)

    stored = reloaded(session, message)
    assert stored.state is OutboxState.QUEUED
    assert stored.last_error == (
        f"Fichier d'autorités illisible ([mail] ca_file = {missing}) : fichier introuvable"
    )
