"""The CLI's commands against a real database, as a person would run them."""

import csv
import io

from dash_app import cli
from models.reporting.performance import COLUMNS


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
    assert cli.main(["export", "--year", "2020/21", "--quarter", "year", "--format", "csv",
                     "--out", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == COLUMNS and len(rows) > 40

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
    assert cli.main(["export", "--year", "2020", "--out", str(out)]) == 2
    assert "write it like 2024/25" in capsys.readouterr().err
