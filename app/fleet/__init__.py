"""One fleet: workers and replicas that name the same Redis (``GDV_REDIS_URL``) share finished
runs, train each identical run once at a time, and follow each other's runs live. Imported
only when a Redis is named: without it the app never loads redis-py."""
from .fleet import Fleet
from .store import FleetDown

__all__ = ["Fleet", "FleetDown"]
