"""The run service in named parts: records, jobs, scheduler, cache, budget, and the facade."""
from .budget import check_budget
from .records import RunRecord
from .scheduler import Busy
from .service import RunService, Subscription

__all__ = ["Busy", "RunRecord", "RunService", "Subscription", "check_budget"]
