"""/metrics in the Prometheus text format.

Request counts and latencies are counted by each worker process (prometheus-client's
multiprocess mode adds the workers' files up at scrape time); the state of the centre (outbox,
worker, usage ingest, GPU-hours, billing period, embedded queue) is read from the database at
scrape time, a handful of aggregate queries.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "aisc_http_requests",
    "HTTP requests answered, by view, method and status",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "aisc_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it, by view",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.4, 0.6, 1.0, 2.5, 5.0, 10.0),
)
LOOPBACK = {"127.0.0.1", "::1"}


class CentreCollector(Collector):
    """Reads the centre's state when scraped."""

    def collect(self) -> Iterator[Metric]:
        from aisc.web.billing.models import BillingPeriod, IngestCursor, PeriodState, UsageTotal
        from aisc.web.cluster.models import EmbeddedJob, JobState
        from aisc.web.outbox import health

        now = timezone.now()
        yield gauge(
            "aisc_outbox_depth", "Outbox messages waiting to be delivered", health.outbox_depth()
        )
        yield gauge(
            "aisc_outbox_lag_seconds",
            "How long the oldest due outbox message has waited past its due time",
            health.outbox_lag(now),
        )
        yield gauge(
            "aisc_outbox_dead_letters",
            "Outbox messages that ran out of attempts and wait for an operator",
            health.dead_letter_count(),
        )
        age = health.worker_heartbeat_age(now)
        yield gauge(
            "aisc_worker_heartbeat_age_seconds",
            "Seconds since the newest heartbeat of a running worker (NaN: none runs)",
            float("nan") if age is None else age,
        )
        ingest_time = GaugeMetricFamily(
            "aisc_usage_last_ingest_timestamp_seconds",
            "When each usage source was last read (Unix time)",
            labels=["source"],
        )
        ingest_lag = GaugeMetricFamily(
            "aisc_usage_ingest_lag_seconds",
            "Seconds since each usage source was last read",
            labels=["source"],
        )
        for source, at in IngestCursor.objects.values_list("source", "updated_at"):
            ingest_time.add_metric([source], at.timestamp())
            ingest_lag.add_metric([source], max((now - at).total_seconds(), 0.0))
        yield ingest_time
        yield ingest_lag
        hours = GaugeMetricFamily(
            "aisc_gpu_hours_metered", "GPU-hours metered so far, by chip", labels=["chip"]
        )
        for row in UsageTotal.objects.values("chip").annotate(s=Sum("gpu_seconds")).order_by():
            hours.add_metric([row["chip"]], (row["s"] or 0) / 3600)
        yield hours
        open_period = GaugeMetricFamily(
            "aisc_billing_open_period",
            "1 for each billing month still open",
            labels=["month"],
        )
        for month in BillingPeriod.objects.filter(state=PeriodState.OPEN).values_list(
            "month", flat=True
        ):
            open_period.add_metric([month], 1)
        yield open_period
        yield gauge(
            "aisc_embedded_queue_length",
            "Jobs waiting in the embedded cluster's queue",
            EmbeddedJob.objects.filter(state=JobState.PENDING).count(),
        )


def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def registry() -> CollectorRegistry:
    scrape = CollectorRegistry()
    try:
        # Under `aisc serve` each worker writes its counters to the multiprocess folder.
        MultiProcessCollector(scrape)  # type: ignore[no-untyped-call]
    except ValueError:  # one process (the development server, tests): this process's counters
        scrape = CollectorRegistry()
        scrape.register(_ProcessCounters())
    scrape.register(CentreCollector())
    return scrape


class _ProcessCounters(Collector):
    def collect(self) -> Iterator[Metric]:
        for metric in REGISTRY.collect():
            if metric.name.startswith("aisc_"):
                yield metric


def allowed(request: HttpRequest) -> bool:
    """With AISC_METRICS_TOKEN, the bearer token; without, only a scraper on this host that did
    not come through the proxy (which adds X-Forwarded-For)."""
    token = settings.AISC_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    return request.META.get("REMOTE_ADDR") in LOOPBACK and "X-Forwarded-For" not in request.headers


def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        response = HttpResponse(
            "metrics need a bearer token\n", status=401, content_type="text/plain"
        )
        response["WWW-Authenticate"] = 'Bearer realm="aisc metrics"'
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
