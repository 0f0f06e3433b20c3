"""Prometheus metrics (prometheus_client) read at scrape time from the run service's counters.

Each uvicorn worker counts its own runs, and a scrape of a replica reaches one of its workers:
``gdv_worker_info`` names which (host:pid), so a scraper can tell the workers' counters apart and
sum them only once it has seen each (deploy/check_compose.py does).
"""
import os
import socket

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily


class ServiceCollector:
    def __init__(self, service_getter):
        self.service = service_getter

    def collect(self):
        service = self.service()
        if service is None:
            return
        s = service.stats
        worker = GaugeMetricFamily("gdv_worker_info", "The worker process answering this scrape", labels=["worker"])
        worker.add_metric([f"{socket.gethostname()}:{os.getpid()}"], 1)
        yield worker
        yield CounterMetricFamily("gdv_runs_started", "Training runs started", value=s.runs_started)
        finished = CounterMetricFamily("gdv_runs_finished", "Training runs finished, by status", labels=["status"])
        for status, n in sorted(s.finished.items()):
            finished.add_metric([str(status)], n)
        yield finished
        rejected = CounterMetricFamily("gdv_requests_rejected", "Requests refused, by reason", labels=["reason"])
        for reason, n in sorted(s.rejected.items()):
            rejected.add_metric([reason], n)
        yield rejected
        yield CounterMetricFamily("gdv_cache_hits", "Runs served from the finished-run cache", value=s.cache_hits)
        yield CounterMetricFamily("gdv_streams", "Event streams closed", value=s.streams)
        yield CounterMetricFamily("gdv_stream_seconds", "Seconds streams were open", value=s.stream_seconds)
        yield GaugeMetricFamily("gdv_training_slots_in_use", "Training slots busy", value=service.scheduler.in_use)
        yield GaugeMetricFamily("gdv_cached_runs", "Finished runs in the cache", value=len(service.cache))
        fleet = service.fleet
        yield CounterMetricFamily("gdv_redis_errors", "Redis calls that failed (served locally)",
                                  value=fleet.errors if fleet else 0)
        yield CounterMetricFamily("gdv_fleet_cache_hits", "Finished runs served from Redis",
                                  value=fleet.hits if fleet else 0)


def make_registry(service_getter) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(ServiceCollector(service_getter))
    return registry
