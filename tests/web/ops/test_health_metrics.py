"""/healthz, /readyz and /metrics: JSON with one status per check (200 or 503), and the
Prometheus text format behind a bearer token or, without one, for this host only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from aisc.web.billing.models import BillingPeriod, IngestCursor, PeriodState, UsageTotal
from aisc.web.outbox import dispatch, heartbeat
from aisc.web.outbox.models import OutboxMessage, State

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_touching_the_database(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ready_with_the_database_migrated_and_a_worker_beating(client: Client) -> None:
    heartbeat.start()
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: c["status"] for name, c in body["checks"].items()} == {
        "database": "ok",
        "migrations": "ok",
        "worker": "ok",
        "outbox": "ok",
        "dead_letters": "ok",
    }
    assert body["checks"]["migrations"]["detail"] == "all applied"
    assert "slurm" not in body["checks"]  # the embedded cluster has no Slurm to reach


def test_readyz_fails_with_503_when_no_worker_runs_or_its_heartbeat_is_old(
    client: Client,
) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {
        "status": "fail",
        "detail": "no aisc worker is running",
    }
    me = heartbeat.start()
    heartbeat.beat(me.name, timezone.now() - dt.timedelta(minutes=10))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["detail"].startswith("last heartbeat 60")


def test_readyz_fails_when_the_outbox_falls_behind_and_warns_of_dead_letters(
    client: Client,
) -> None:
    heartbeat.start()
    with transaction.atomic():
        late = dispatch.enqueue("test.nobody", {"n": 1})
        dead = dispatch.enqueue("test.nobody", {"n": 2})
    OutboxMessage.objects.filter(pk=late.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=20)
    )
    OutboxMessage.objects.filter(pk=dead.pk).update(state=State.DEAD)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["outbox"]["status"] == "fail"
    assert checks["outbox"]["detail"].startswith("1 waiting, the oldest due 1200 s ago")
    assert checks["dead_letters"] == {
        "status": "warn",
        "detail": "1 dead letters: retry or discard them on the Outbox page",
    }


def test_readyz_checks_slurm_when_the_cluster_is_slurm(
    client: Client, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.AISC_CLUSTER = "slurm"
    monkeypatch.setenv("PATH", str(tmp_path))  # no Slurm client commands here
    heartbeat.start()
    response = client.get("/readyz")
    assert response.status_code == 503
    slurm = response.json()["checks"]["slurm"]
    assert slurm["status"] == "fail"
    assert "sinfo is not installed" in slurm["detail"]


def scrape(client: Client, **headers: Any) -> dict[str, Any]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {f.name: f for f in text_string_to_metric_families(response.content.decode())}


def samples(family: Any) -> dict[tuple[tuple[str, str], ...], float]:
    return {tuple(sorted(s.labels.items())): s.value for s in family.samples}


def test_metrics_report_the_centre_state_and_the_requests_by_view(client: Client) -> None:
    now = timezone.now()
    UsageTotal.objects.create(project_code="P-1", chip="h800", gpu_seconds=7200)
    UsageTotal.objects.create(project_code="P-2", chip="h800", gpu_seconds=3600)
    UsageTotal.objects.create(project_code="P-2", chip="910b", gpu_seconds=1800)
    IngestCursor.objects.create(
        source="embedded", position="42", updated_at=now - dt.timedelta(minutes=3)
    )
    BillingPeriod.objects.create(month="2026-11", state=PeriodState.CLOSED)
    BillingPeriod.objects.create(month="2026-12", state=PeriodState.OPEN)
    with transaction.atomic():
        dispatch.enqueue("test.nobody", {"n": 1})
    client.get("/healthz")
    client.get("/no-such-page/")
    families = scrape(client)
    assert samples(families["aisc_gpu_hours_metered"]) == {
        (("chip", "h800"),): 3.0,
        (("chip", "910b"),): 0.5,
    }
    assert samples(families["aisc_billing_open_period"]) == {(("month", "2026-12"),): 1.0}
    assert samples(families["aisc_outbox_depth"]) == {(): 1.0}
    assert samples(families["aisc_outbox_dead_letters"]) == {(): 0.0}
    lag = samples(families["aisc_usage_ingest_lag_seconds"])[(("source", "embedded"),)]
    assert 170 < lag < 400
    last = samples(families["aisc_usage_last_ingest_timestamp_seconds"])
    assert last[(("source", "embedded"),)] == pytest.approx(
        (now - dt.timedelta(minutes=3)).timestamp()
    )
    assert samples(families["aisc_embedded_queue_length"]) == {(): 0.0}
    requests = samples(families["aisc_http_requests"])
    assert requests[(("method", "GET"), ("status", "200"), ("view", "ops:healthz"))] >= 1
    assert requests[(("method", "GET"), ("status", "404"), ("view", "unresolved"))] >= 1
    latency = {s.name for s in families["aisc_http_request_duration_seconds"].samples}
    assert "aisc_http_request_duration_seconds_bucket" in latency


def test_metrics_without_a_token_answer_this_host_only_and_not_through_the_proxy(
    client: Client,
) -> None:
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    proxied = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 401
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 401


def test_metrics_with_a_token_need_it_from_every_address(client: Client, settings: Any) -> None:
    settings.AISC_METRICS_TOKEN = "scrape-me-please-0123456789"
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == 'Bearer realm="aisc metrics"'
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    families = scrape(
        client, REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer scrape-me-please-0123456789"
    )
    assert "aisc_outbox_depth" in families


def test_the_grafana_dashboard_queries_only_metrics_that_are_exposed(client: Client) -> None:
    import json
    import re
    from pathlib import Path

    client.get("/healthz")
    BillingPeriod.objects.create(month="2026-12", state=PeriodState.OPEN)
    exposed = {s.name for f in scrape(client).values() for s in f.samples} | set(scrape(client))
    dashboard = json.loads(
        (Path(__file__).parents[3] / "deploy/grafana-dashboard.json").read_text()
    )
    queried = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"aisc_[a-z_]+", target["expr"])
    }
    assert len(queried) >= 10
    assert queried - exposed == set()
