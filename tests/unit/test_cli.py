"""The CLI's commands against a real database, as a person would run them."""

import csv
import io

from dash_app import cli
from models.reporting.performance import COLUMNS
from models.store.db import make_engine, make_sessionmaker, unit_of_work
from models.store.users import find_user


def test_cli_round_trip(db_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MONITOR_TODAY", "2026-11-25")
    assert cli.main(["init-db"]) == 0
    password_file = tmp_path / "demo-password"
    assert cli.main(["seed-demo", "--if-empty", "--demo-password-file", str(password_file)]) == 0
    first = capsys.readouterr().out
    password = password_file.read_text()
    assert "Demo data loaded" in first and f"password for all: {password}" in first
    assert "admin@demo.local" in first and "viewer@demo.local" in first
    # A second `make run` leaves data alone and prints the same sign-ins.
    assert cli.main(["seed-demo", "--if-empty", "--demo-password-file", str(password_file)]) == 0
    second = capsys.readouterr().out
    assert "left as it is" in second and f"password for all: {password}" in second

    out = tmp_path / "table.csv"
    assert cli.main(["export", "--user", "viewer@demo.local", "--year", "2020/21", "--quarter", "year",
                     "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == COLUMNS and len(rows) > 40
    everyone = {row[COLUMNS.index("Provider")] for row in rows[1:]}
    assert len(everyone) > 2  # the viewer sees every provider
    # As the provider user it names: that provider's services only.
    assert cli.main(["export", "--user", "safer-futures-support@demo.local", "--year", "2020/21",
                     "--quarter", "year", "--format", "csv", "--out", str(out)]) == 0
    own = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert {row[COLUMNS.index("Provider")] for row in own[1:]} == {"Safer Futures Support (demo)"}
    capsys.readouterr()
    # Nobody, or a deactivated user: refused, in the same words, and nothing written.
    for email in ("nobody@example.org", "safer-futures-support@demo.local"):
        if email.endswith("@demo.local"):
            with unit_of_work(make_sessionmaker(make_engine(db_url))) as session:
                find_user(session, email).active = False
        assert cli.main(["export", "--user", email, "--year", "2020/21", "--out",
                         str(tmp_path / "refused.csv")]) == 2
        assert "No active user has that email address." in capsys.readouterr().err
    assert not (tmp_path / "refused.csv").exists()

    assert cli.main(["create-user", "--email", "Officer@Example.org", "--role", "admin",
                     "--password", "long-enough-password"]) == 0
    assert "Created admin user officer@example.org" in capsys.readouterr().out
    assert cli.main(["create-user", "--email", "officer@example.org", "--role", "admin",
                     "--password", "long-enough-password"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert cli.main(["create-user", "--email", "p@example.org", "--role", "provider",
                     "--provider", "brightpath-education", "--password", "short"]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    assert cli.main(["set-password", "--email", "officer@example.org",
                     "--password", "another-long-password"]) == 0
    assert cli.main(["export", "--user", "viewer@demo.local", "--year", "2020", "--out", str(out)]) == 2
    assert "write it like 2024/25" in capsys.readouterr().err


def test_serve_says_where_mail_goes(monkeypatch, tmp_path):
    """`make run` (the serve command) says where mail goes (issue 18, item 4)."""
    from dash_app.cli import mail_note
    from tests.helpers.config import settings_for

    monkeypatch.chdir(tmp_path)
    local = settings_for("sqlite://", outbox_dir=tmp_path / "instance" / "outbox")
    assert mail_note(local) == ("Mail: SMTP_URL is not set, so messages are written to "
                                "instance/outbox/ and listed under Administration → Mail.")
    sent = settings_for("sqlite://", smtp_url="smtp://u:secret@mail.example.org:587?starttls=1")
    assert mail_note(sent) == "Mail: sent through the mail server at mail.example.org (SMTP_URL)."
    assert "secret" not in mail_note(sent)
