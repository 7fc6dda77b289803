"""A query compiled once (aisc.web.compiled) answers what the ORM answers for every value, in
one statement; where its SQL cannot be reused it keeps no plan and the ORM answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from aisc.web.billing.models import UsageTotal
from aisc.web.compiled import Compiled

pytestmark = pytest.mark.django_db


def usage(code: str) -> QuerySet[Any, Any]:
    return (
        UsageTotal.objects.filter(project_code=code).order_by("chip").values("chip", "gpu_seconds")
    )


@pytest.fixture
def totals() -> None:
    for code, chip, seconds in (("p-1", "h800", 10), ("p-1", "a100", 20), ("p-2", "h800", 7)):
        UsageTotal.objects.create(project_code=code, chip=chip, gpu_seconds=seconds)


def test_it_answers_the_orms_rows_for_every_value_in_one_statement(totals: None) -> None:
    compiled = Compiled(usage, str)
    assert compiled.plan() is not None
    for code in ("p-1", "p-2", "p-3", "", "p-1' OR '1'='1"):
        with CaptureQueriesContext(connection) as queries:
            rows = compiled(code)
        assert rows == list(usage(code))
        assert len(queries) == 1


def test_it_puts_several_values_each_in_its_place(totals: None) -> None:
    def build(code: str, seconds: int) -> QuerySet[Any, Any]:
        return UsageTotal.objects.filter(project_code=code, gpu_seconds__gte=seconds).values("chip")

    compiled = Compiled(build, str, int)
    assert compiled.plan() is not None
    for code, seconds in (("p-1", 0), ("p-1", 15), ("p-2", 8), ("p-2", 7)):
        assert compiled(code, seconds) == list(build(code, seconds))


def test_it_reads_values_through_the_orms_converters() -> None:
    from aisc.web.billing.closing.figures import lines_of_statement

    assert lines_of_statement.plan() is not None
    converted = lines_of_statement.plan().converters  # type: ignore[union-attr]
    assert converted or connection.vendor == "postgresql"  # SQLite's booleans and decimals


def test_it_keeps_no_plan_for_a_value_written_into_the_sql(totals: None) -> None:
    def build(n: int) -> QuerySet[Any, Any]:
        return UsageTotal.objects.order_by("pk").values("chip")[:n]

    compiled = Compiled(build, int)
    assert compiled.plan() is None
    assert compiled(1) == list(build(1))
    assert compiled(3) == list(build(3))


def test_it_keeps_no_plan_for_a_value_transformed_on_its_way_in(totals: None) -> None:
    def build(text: str) -> QuerySet[Any, Any]:
        return UsageTotal.objects.filter(chip__icontains=text).values("chip")

    compiled = Compiled(build, str)
    assert compiled.plan() is None
    assert sorted(r["chip"] for r in compiled("80")) == ["h800", "h800"]


def test_it_builds_the_orms_instances_of_a_model(totals: None) -> None:
    def build(code: str) -> QuerySet[Any, Any]:
        return UsageTotal.objects.filter(project_code=code).order_by("chip")

    compiled = Compiled(build, str)
    assert compiled.plan() is not None
    for code in ("p-1", "p-2", "p-3"):
        got, want = compiled(code), list(build(code))
        assert [vars(x) | {"_state": None} for x in got] == [
            vars(x) | {"_state": None} for x in want
        ]
        assert all(x._state.db == "default" and not x._state.adding for x in got)
    read = compiled("p-1")[0]
    read.gpu_seconds += 1
    read.save()  # an instance the ORM can save, as one it read itself
    assert UsageTotal.objects.get(pk=read.pk).gpu_seconds == read.gpu_seconds


def test_it_keeps_no_plan_for_rows_read_with_related_rows_or_annotations() -> None:
    from django.db.models import F

    from aisc.web.billing.models import Statement

    for build in (
        lambda code: Statement.objects.select_related("period").filter(project_code=code),
        lambda code: Statement.objects.prefetch_related("lines").filter(project_code=code),
        lambda code: Statement.objects.annotate(m=F("period__month")).filter(project_code=code),
        lambda code: Statement.objects.only("pk").filter(project_code=code),
    ):
        assert Compiled(build, str).plan() is None


def test_a_value_of_another_type_goes_through_the_orm(totals: None) -> None:
    def build(seconds: Any) -> QuerySet[Any, Any]:
        return UsageTotal.objects.filter(gpu_seconds=seconds).values("chip")

    compiled = Compiled(build, int)
    with CaptureQueriesContext(connection) as queries:
        assert compiled(None) == []
    assert "IS NULL" in queries[0]["sql"]
    assert compiled(True) == list(build(True))
    assert compiled(2**70) == [] == list(build(2**70))
    assert compiled(2**40) == [] == list(build(2**40))
    assert compiled(7) == [{"chip": "h800"}]
