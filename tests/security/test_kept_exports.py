"""Kept exports through real HTTP (gunicorn, two workers sharing one folder): a file kept for
one scope is never sent to a reader of another. The lead officer and a CWP member see every
provider, so they share one file; each provider user gets its own provider's, never the
partnership's nor another provider's.

To tell which file a response came from, each kept file is overwritten with words naming
its scope once made: a reader sent those words was sent that kept file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.helpers.databases import engines
from tests.helpers.servers import kept_exports_server, signed_in_session

ADMIN, VIEWER = "admin@demo.local", "viewer@demo.local"
PROVIDER_A = "riverside-boxing-academy@demo.local"
PROVIDER_B = "safer-futures-support@demo.local"
QUERY = "?year=2025/26&quarter=year"


@pytest.fixture(scope="module", params=engines())
def server(request, tmp_path_factory):
    with kept_exports_server(request.param, tmp_path_factory.mktemp(f"kept-{request.param}")) as (
            url, kept, _db_url):
        yield url, kept


def _files(kept: Path, fmt: str) -> set[Path]:
    return set(kept.glob(f"*/*.{fmt}"))


def _providers(body: bytes) -> set[str]:
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    return {row["Provider"] for row in rows}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_kept_file_reaches_only_readers_of_the_same_scope(server, fmt):
    url, kept = server
    path = f"/export/performance.{fmt}{QUERY}"
    readers = {email: signed_in_session(url, email) for email in (ADMIN, VIEWER, PROVIDER_A, PROVIDER_B)}

    first = readers[ADMIN].get(url + path, timeout=120)
    assert first.status_code == 200
    [partnership] = _files(kept, fmt)
    assert partnership.read_bytes() == first.content  # kept as sent
    partnership.write_bytes(b"KEPT FOR EVERY PROVIDER")

    assert readers[VIEWER].get(url + path, timeout=120).content == b"KEPT FOR EVERY PROVIDER"
    own_a = readers[PROVIDER_A].get(url + path, timeout=120)
    assert own_a.status_code == 200 and own_a.content != b"KEPT FOR EVERY PROVIDER"
    [file_a] = _files(kept, fmt) - {partnership}
    assert file_a.read_bytes() == own_a.content
    if fmt == "csv":
        assert _providers(own_a.content) == {"Riverside Boxing Academy (demo)"}
    file_a.write_bytes(b"KEPT FOR PROVIDER A")

    own_b = readers[PROVIDER_B].get(url + path, timeout=120)
    assert own_b.status_code == 200
    assert own_b.content not in (b"KEPT FOR EVERY PROVIDER", b"KEPT FOR PROVIDER A")
    if fmt == "csv":
        assert _providers(own_b.content) == {"Safer Futures Support (demo)"}
    assert len(_files(kept, fmt)) == 3

    # Asked again, through either worker: each reader its own scope's file.
    for _ in range(2):
        assert readers[ADMIN].get(url + path, timeout=120).content == b"KEPT FOR EVERY PROVIDER"
        assert readers[PROVIDER_A].get(url + path, timeout=120).content == b"KEPT FOR PROVIDER A"
        assert readers[PROVIDER_B].get(url + path, timeout=120).content == own_b.content


def test_signed_out_is_refused_before_any_kept_file(server):
    import requests

    url, kept = server
    signed_in_session(url, ADMIN).get(url + f"/export/performance.csv{QUERY}", timeout=120)
    assert _files(kept, "csv")
    response = requests.get(url + f"/export/performance.csv{QUERY}", timeout=30, allow_redirects=False)
    assert response.status_code in (401, 403) and b"Priority," not in response.content
    assert b"KEPT" not in response.content
