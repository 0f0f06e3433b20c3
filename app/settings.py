"""All tunables of the service in one place; each can be set by an env var GDV_<NAME>."""
import os
from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GDV_")

    training_slots: int = max(1, os.cpu_count() or 1)  # comparisons training at once
    queue_size: int = 32  # jobs that may wait for a slot (their streams already show the plan)
    slot_wait_seconds: float = 2.0  # a request over capacity (slots + queue) waits this long, then 503
    retry_after_seconds: int = 5
    max_runs: int = 8
    max_dataset_size: int = 100_000  # examples of a synthetic data set
    max_dataset_download: int = 20_000  # examples /api/dataset returns
    max_total_updates: int = 2_000_000  # summed over the runs of a comparison
    max_seconds: float = 30.0  # predicted CPU-seconds of one comparison (app/engine/cost.py)
    cache_runs: int = 256  # finished runs kept for identical links
    cache_updates: int = 20_000_000  # losses kept in the cache in all
    parsed_links: int = 512  # links kept parsed and planned (a class opening one link parses it once)
    stream_tick_seconds: float = 0.05  # how often a stream looks for new points
    points_per_event: int = 5_000  # largest `points` event
    stream_chunk_cache_bytes: int = 64_000_000  # encoded catch-ups shared by streams at the same point
    stream_chunk_cache_chunks: int = 256
    stream_block_cache_chars: int = 32_000_000  # encoded blocks of updates shared by streams of one record
    stream_block_cache_records: int = 256
    stream_gzip_cache_bytes: int = 32_000_000  # stream pieces and their gzip, compressed once for all streams
    first_event_priority_seconds: float = 0.5  # other streams' points wait at most this for new streams' plans
    # connections (app/server.py): what one slow client may hold, and how a stopping server ends
    send_buffer_bytes: int = 65_536  # SO_SNDBUF of each connection (Linux grants twice this)
    write_buffer_bytes: int = 65_536  # bytes queued in the process per connection before a stream waits
    header_timeout_seconds: float = 10.0  # a request's line and headers must arrive within this
    keep_alive_seconds: float = 5.0  # an idle kept-alive connection is closed after this
    shutdown_grace_seconds: float = 5.0  # a stopping server lets open streams end cleanly within this
    stream_retry_ms: int = 1_000  # reconnect delay a stopping server suggests (spread up to twice this)
    stream_starts_per_minute: float = 300  # per client; a classroom behind one NAT shares an address
    stream_burst: int = 300
    trust_forwarded_for: bool = False  # true behind the compose file's nginx
    public_url: str = ""  # e.g. https://gd.example.edu: absolute links in previews; else the request's own
    asset_cache_dir: str = ".cache/static"  # brotli'd static files kept across processes; empty: none
    max_query_bytes: int = 4_096
    max_body_bytes: int = 1_024  # every endpoint is a GET
    redis_url: str | None = None  # e.g. redis://127.0.0.1:6379/0: every worker naming it joins one fleet
    fleet_lease_seconds: float = 5.0  # a run whose training worker died is taken over within this
    redis_timeout_seconds: float = 1.0  # a Redis call waits this long before the worker serves locally


@lru_cache
def get_settings() -> Settings:
    return Settings()
