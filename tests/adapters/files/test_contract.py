"""One contract for every FileStore: the local directory store and the in-memory fake."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from aisc.adapters.files import FileStore, LocalFileStore, MemoryFileStore
from aisc.core.errors import NotFound, RuleViolation


@pytest.fixture(params=["local", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FileStore:
    return LocalFileStore(tmp_path / "files") if request.param == "local" else MemoryFileStore()


def test_a_saved_file_reads_back_byte_for_byte(store: FileStore) -> None:
    data = bytes(range(256)) * 1000
    key = store.save("plan.pdf", io.BytesIO(data), "application/pdf")
    with store.open(key) as stream:
        assert stream.read() == data
    assert store.size(key) == len(data)
    assert store.content_type(key) == "application/pdf"


def test_the_key_keeps_the_name_and_two_saves_never_share_a_key(store: FileStore) -> None:
    first = store.save("budget.xlsx", io.BytesIO(b"a"), "application/octet-stream")
    second = store.save("budget.xlsx", io.BytesIO(b"b"), "application/octet-stream")
    assert first != second
    assert first.endswith("/budget.xlsx")
    with store.open(first) as a, store.open(second) as b:
        assert (a.read(), b.read()) == (b"a", b"b")


def test_an_empty_file_is_stored_with_size_zero(store: FileStore) -> None:
    key = store.save("empty.txt", io.BytesIO(b""), "text/plain")
    assert store.size(key) == 0


def test_a_deleted_file_is_gone(store: FileStore) -> None:
    key = store.save("cv.pdf", io.BytesIO(b"x"), "application/pdf")
    store.delete(key)
    with pytest.raises(NotFound) as caught:
        store.open(key)
    assert caught.value.field == "key"
    with pytest.raises(NotFound):
        store.delete(key)


@pytest.mark.parametrize("method", ["open", "size", "delete", "content_type"])
def test_an_unknown_but_well_formed_key_is_not_found(store: FileStore, method: str) -> None:
    with pytest.raises(NotFound):
        getattr(store, method)("0" * 32 + "/nothing.pdf")


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "0" * 32 + "/../../secret",
        "0" * 32 + "/..",
        "0" * 32 + "/a/b",
        "0" * 32 + "\\..\\x",
        "ZZ" * 16 + "/x",
        "",
    ],
)
@pytest.mark.parametrize("method", ["open", "size", "delete", "content_type"])
def test_it_refuses_a_key_that_could_leave_its_root(
    store: FileStore, method: str, key: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        getattr(store, method)(key)
    assert caught.value.field == "key"


@pytest.mark.parametrize("name", ["", ".", "..", "../x.pdf", "a/b.pdf", "a\\b.pdf", "x\x00.pdf"])
def test_it_refuses_a_name_that_could_act_as_a_path(store: FileStore, name: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        store.save(name, io.BytesIO(b"x"), "text/plain")
    assert caught.value.field == "name"


def test_it_refuses_a_name_longer_than_two_hundred_characters(store: FileStore) -> None:
    with pytest.raises(RuleViolation, match="1 to 200"):
        store.save("a" * 201, io.BytesIO(b"x"), "text/plain")


def test_chinese_file_names_are_kept(store: FileStore) -> None:
    key = store.save("計劃書.pdf", io.BytesIO(b"x"), "application/pdf")
    assert key.endswith("/計劃書.pdf")
    assert store.size(key) == 1
