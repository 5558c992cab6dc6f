"""Exports kept as files (exports/stored.py, dash_app/export_files.py): a kept file is
byte for byte the file a fresh build gives; it is filed under the data version, code,
choices and exact scope, never the reader; a change to the figures is never served an old
file; the folder stays bounded; the whole partnership's files are prepared once per version,
after a burst of changes is over."""

import datetime as dt
import io
import os
import time

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from dash_app.export_files import EVERYONE, Watch, export_store, prepare_exports, prepared_choices
from dash_app.settings import Settings
from exports.build import build_export, stored_export
from exports.stored import ExportChoice, FileStore, StoredKey, kept_while_sent, made_at, stored_key
from models.access import ADMIN, PROVIDER, VIEWER, Audience
from models.returns.saving import review_return
from models.store.data_version import current_version
from models.store.db import unit_of_work
from models.store.entities import Return
from models.store.users import find_user
from tests.helpers.config import TODAY, settings_for

PROVIDER_A = "riverside-boxing-academy@demo.local"
PROVIDER_B = "safer-futures-support@demo.local"


def _kept(store: FileStore) -> list:
    return sorted(store.folder.glob("*/*.*.*"))


def _approve_one(factory) -> None:
    """A real change to the figures: the lead officer approves a submitted return."""
    with unit_of_work(factory) as s:
        ret = s.scalars(select(Return).where(Return.status == "submitted").order_by(Return.id)).first()
        review_return(s, find_user(s, "admin@demo.local"), ret.id, "approve", "", ret.version, TODAY)


def _save_a_return(factory) -> None:
    """Another change (a return's narrative saved): one that can be made again and again."""
    with unit_of_work(factory) as s:
        ret = s.get(Return, 1)
        ret.highlights = f"{ret.highlights or ''}."


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("email", "quarter", "publish"), [
    ("admin@demo.local", None, False), ("viewer@demo.local", 3, True), (PROVIDER_A, None, True)])
def test_a_kept_file_is_the_fresh_build_byte_for_byte(demo_factory, tmp_path, fmt, email, quarter,
                                                      publish):
    store = FileStore(tmp_path / "kept")
    with unit_of_work(demo_factory) as s:
        first = stored_export(s, find_user(s, email), fmt, 2025, quarter, TODAY, store, publish=publish)
    [path] = _kept(store)
    assert path.read_bytes() == first
    with unit_of_work(demo_factory) as s:  # served again: the kept bytes, nothing built
        again = stored_export(s, find_user(s, email), fmt, 2025, quarter, TODAY, store, publish=publish)
        fresh = build_export(s, find_user(s, email), fmt, 2025, quarter, TODAY, publish=publish,
                             now=made_at(path))
    assert again == first == fresh
    assert _kept(store) == [path]


def test_the_workbook_names_no_reader_and_the_same_moment_makes_the_same_bytes(demo_factory):
    moment = dt.datetime(2026, 11, 25, 9, 5, 7)
    with unit_of_work(demo_factory) as s:
        admin = build_export(s, find_user(s, "admin@demo.local"), "xlsx", 2025, 3, TODAY, now=moment)
        viewer = build_export(s, find_user(s, "viewer@demo.local"), "xlsx", 2025, 3, TODAY, now=moment)
        later = build_export(s, find_user(s, "viewer@demo.local"), "xlsx", 2025, 3, TODAY,
                             now=moment + dt.timedelta(seconds=1))
    assert admin == viewer != later  # the lead officer and a member see the same workbook
    notes = {r[0]: r[1] for r in load_workbook(io.BytesIO(admin))["Notes"].iter_rows(values_only=True) if r[0]}
    assert notes["Exported"].startswith("25 November 2026 at 09:05, with the figures as they stood then")
    assert "@" not in str(notes)


def test_keys_hold_the_scope_and_the_choices_never_the_reader(demo_factory):
    choice = ExportChoice("csv", 2025, None)
    with unit_of_work(demo_factory) as s:
        admin = find_user(s, "admin@demo.local")
        keys = {name: stored_key(s, actor, choice, TODAY) for name, actor in {
            "admin": admin, "viewer": find_user(s, "viewer@demo.local"),
            "audience": Audience(ADMIN, None), "member audience": Audience(VIEWER, None),
            "a": find_user(s, PROVIDER_A), "b": find_user(s, PROVIDER_B)}.items()}
        others = [stored_key(s, admin, ExportChoice(*change), TODAY) for change in (
            ("xlsx", 2025, None), ("csv", 2024, None), ("csv", 2025, 3), ("csv", 2025, None, True),
            ("csv", 2025, None, False, True))]
        tomorrow = stored_key(s, admin, choice, TODAY + dt.timedelta(days=1))
    assert keys["admin"] == keys["viewer"] == keys["audience"] == keys["member audience"]
    assert len({keys["admin"], keys["a"], keys["b"]}) == 3
    assert len({keys["admin"], tomorrow, *others}) == 7


def test_a_provider_whose_services_change_gets_a_new_key(demo_factory):
    """The key holds the exact services the reader may see, not only which provider."""
    from models.store.entities import Service

    with unit_of_work(demo_factory) as s:
        before = stored_key(s, Audience(PROVIDER, 1), ExportChoice("csv", 2025, None), TODAY)
        moved = s.scalars(select(Service).where(Service.provider_id != 1)).first()
        moved.provider_id = 1
        s.flush()
        s.info.pop("data_version_bumped", None)  # as if the version stood still: scope alone
        s.info.pop("data_version_read", None)
        after = stored_key(s, Audience(PROVIDER, 1), ExportChoice("csv", 2025, None), TODAY)
        s.rollback()
    assert before is not None and after is not None and before.digest != after.digest


def test_a_change_to_the_figures_is_never_served_the_old_file(demo_factory, tmp_path):
    store = FileStore(tmp_path / "kept")
    with unit_of_work(demo_factory) as s:
        stored_export(s, find_user(s, "admin@demo.local"), "csv", 2026, 2, TODAY, store)
    [old] = _kept(store)
    old.write_bytes(b"the file from before the approval")
    _approve_one(demo_factory)
    with unit_of_work(demo_factory) as s:
        now = stored_export(s, find_user(s, "admin@demo.local"), "csv", 2026, 2, TODAY, store)
        fresh = build_export(s, find_user(s, "admin@demo.local"), "csv", 2026, 2, TODAY)
    assert now == fresh != b"the file from before the approval"
    [new] = _kept(store)
    assert new.parent != old.parent and not old.parent.exists()  # the old version's folder went


def test_nothing_is_kept_from_a_transaction_with_a_change_it_may_roll_back(demo_factory, tmp_path):
    store = FileStore(tmp_path / "kept")
    with unit_of_work(demo_factory) as s:
        s.get(Return, 1).highlights = "changed, not yet committed"
        s.flush()
        stored_export(s, find_user(s, "admin@demo.local"), "csv", 2025, None, TODAY, store)
        s.rollback()
    assert _kept(store) == []


def test_a_download_stopped_half_way_keeps_nothing(tmp_path):
    store = FileStore(tmp_path / "kept")
    key = StoredKey("db-1", "a" * 64, "csv")
    sent = kept_while_sent(iter([b"one", b"two", b"three"]), store.writer(key, dt.datetime(2026, 1, 1)))
    assert next(sent) == b"one"
    sent.close()
    assert store.find(key) is None and list(store.folder.rglob("*.part")) == []
    whole = kept_while_sent(iter([b"one", b"two"]), store.writer(key, dt.datetime(2026, 1, 1)))
    assert b"".join(whole) == b"onetwo"
    assert store.find(key).read_bytes() == b"onetwo"


def test_the_folder_is_bounded_least_recently_sent_first(tmp_path):
    store = FileStore(tmp_path / "kept", max_bytes=5500)
    made = dt.datetime(2026, 1, 1)
    keys = [StoredKey("db-1", f"{n:064x}", "csv") for n in range(5)]
    for n, key in enumerate(keys):
        path = store.put(key, made, b"x" * 1000)
        os.utime(path, (time.time() - 100 + n, time.time() - 100 + n))
    handle, _ = store.open(keys[0])  # sent again: now the most recent
    handle.close()
    store.put(StoredKey("db-1", "f" * 64, "csv"), made, b"x" * 1000)  # over the bound
    left = {key.digest for key in keys if store.find(key)}
    assert keys[0].digest in left and keys[1].digest not in left
    assert sum(p.stat().st_size for p in _kept(store)) <= 5500 * 3 // 4


def test_one_process_per_machine_prepares_a_version(tmp_path):
    one, other = FileStore(tmp_path), FileStore(tmp_path)
    assert one.claim("db-7") and not other.claim("db-7") and other.preparing("db-7")
    one.release("db-7")
    assert other.claim("db-7")
    lock = tmp_path / "db-7" / ".preparing"
    os.utime(lock, (time.time() - 3600, time.time() - 3600))  # left by a process that died
    assert one.claim("db-7")


def _settings(db_url: str, tmp_path, **changes) -> Settings:
    return settings_for(db_url, export_cache_dir=tmp_path / "kept", **changes)


def test_prepared_once_per_version_and_served_to_the_lead_officer(demo_factory, db_url, tmp_path):
    settings = _settings(db_url, tmp_path, export_prepare_metrics=0)
    said: list[str] = []
    assert prepare_exports(demo_factory, settings, force=True, say=said.append).startswith("Prepared 8 files")
    assert len(_kept(export_store(settings))) == 8 == len(said)
    assert prepare_exports(demo_factory, settings, force=True) == "Nothing to prepare: every file is kept already."
    with unit_of_work(demo_factory) as s:
        [choice] = [c for c in prepared_choices(s, TODAY) if c.fmt == "xlsx" and c.quarter is None
                    and not c.publish]
        key = stored_key(s, find_user(s, "admin@demo.local"), choice, TODAY)
    assert key == stored_key_for(demo_factory, EVERYONE, choice)
    assert export_store(settings).find(key) is not None


def stored_key_for(factory, actor, choice):
    with unit_of_work(factory) as s:
        return stored_key(s, actor, choice, TODAY)


def test_below_the_threshold_nothing_is_prepared(demo_factory, db_url, tmp_path):
    settings = _settings(db_url, tmp_path, export_prepare_metrics=20_000)  # the demo: a few dozen
    assert prepare_exports(demo_factory, settings).startswith("Nothing prepared: the partnership has no more")
    assert _kept(export_store(settings)) == []


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_changes_starts_one_preparation_once_it_is_over(demo_factory, db_url, tmp_path):
    settings = _settings(db_url, tmp_path, export_prepare_metrics=1)  # the demo counts as big
    clock, started = Clock(), []
    watch = Watch(clock=clock)

    def look(after: float) -> bool:
        clock.now += after
        return watch.step(demo_factory, settings, started.append)

    assert not look(0)  # first sight of the version: it may be about to change again
    for _ in range(3):  # a change every 10 s: never settled
        _save_a_return(demo_factory)
        assert not look(10)
    assert not look(10)  # settled for 10 s: not yet
    assert look(15) and started == [settings]  # settled for 25 s: started, once
    assert not look(30) and not look(30)
    _approve_one(demo_factory)
    assert not look(10) and not look(5) and look(20) and len(started) == 2


def test_the_watcher_starts_nothing_when_the_files_are_kept_or_the_data_small(demo_factory, db_url,
                                                                              tmp_path):
    small = _settings(db_url, tmp_path, export_prepare_metrics=20_000)
    clock, started = Clock(), []
    watch = Watch(clock=clock)
    for after in (0, 30, 30):
        clock.now += after
        watch.step(demo_factory, small, started.append)
    assert started == []
    big = _settings(db_url, tmp_path, export_prepare_metrics=1)
    prepare_exports(demo_factory, big)
    watch = Watch(clock=clock)
    for after in (0, 30, 30):
        clock.now += after
        watch.step(demo_factory, big, started.append)
    assert started == []
    with unit_of_work(demo_factory) as s:
        assert current_version(s) is not None


def test_the_settings_read_from_the_environment(tmp_path):
    from dash_app.settings import ConfigError, load_settings

    settings = load_settings({"EXPORT_CACHE_DIR": str(tmp_path), "EXPORT_CACHE_MB": "64",
                              "EXPORT_PREPARE_METRICS": "0"})
    assert (settings.export_cache_dir, settings.export_cache_mb, settings.export_prepare_metrics) == (
        tmp_path, 64, 0)
    assert load_settings({}).export_prepare_metrics == 20_000
    with pytest.raises(ConfigError, match="EXPORT_PREPARE_METRICS must be a whole number"):
        load_settings({"EXPORT_PREPARE_METRICS": "lots"})


# A download link for a file too big to build in a request ---------------------------------------

def test_a_choice_is_written_and_read_for_the_command_line():
    from dash_app.export_files import choice_text, parse_choice

    for choice in (ExportChoice("xlsx", 2025, None), ExportChoice("csv", 2026, 2, True, True)):
        assert parse_choice(choice_text(choice)) == choice
    assert choice_text(ExportChoice("csv", 2026, 2, True, True)) == "csv:2026:Q2:published:provisional"
    for bad in ("pdf:2025:year:open:approved", "csv:2025:Q5:open:approved", "csv:20x5:year:open:approved",
                "csv:2025:year:open", "../../etc:2025:year:open:approved"):
        with pytest.raises(ValueError, match="Not a file to prepare"):
            parse_choice(bad)


def test_only_the_files_asked_for_are_prepared(demo_factory, db_url, tmp_path):
    settings = _settings(db_url, tmp_path, export_prepare_metrics=0)
    asked = ExportChoice("xlsx", 2024, 1, publish=True)
    assert prepare_exports(demo_factory, settings, force=True, only=[asked]).startswith("Prepared 1 files")
    assert export_store(settings).find(stored_key_for(demo_factory, EVERYONE, asked)) is not None
    assert len(_kept(export_store(settings))) == 1


def test_a_link_to_a_big_partnership_s_file_is_built_in_the_background(demo_factory, db_url, tmp_path,
                                                                      monkeypatch):
    """Above the threshold, the lead officer's or a member's link to a file not kept yet gets
    503 + Retry-After in words while that very file is built beside the app (never 10-80 s in
    the request); once kept it is sent. A provider's own (small) file is built as ever."""
    import dash_app.export_files as export_files
    from dash_app.factory import create_app
    from tests.helpers.web import sign_in

    started: list[list[ExportChoice]] = []
    monkeypatch.setattr(export_files, "start_preparing", lambda settings, only: started.append(only))
    settings = _settings(db_url, tmp_path, export_prepare_metrics=1)  # the demo counts as big
    app = create_app(settings)
    path = "/export/performance.xlsx?year=2025/26&quarter=year&publish=1"
    asked = ExportChoice("xlsx", 2025, None, publish=True)
    for email in ("admin@demo.local", "viewer@demo.local"):
        client = app.server.test_client()
        sign_in(client, email)
        waiting = client.get(path)
        assert waiting.status_code == 503 and int(waiting.headers["Retry-After"]) >= 120
        assert "being made in the background" in waiting.get_data(as_text=True)
    assert started == [[asked], [asked]]
    assert prepare_exports(demo_factory, settings, only=[asked]).startswith("Prepared 1 files")
    sent = client.get(path)
    assert sent.status_code == 200 and sent.data == export_store(settings).find(
        stored_key_for(demo_factory, EVERYONE, asked)).read_bytes()
    provider = app.server.test_client()
    sign_in(provider, PROVIDER_A)
    assert provider.get(path).status_code == 200 and len(started) == 2  # built in its request
