"""Per-tenant request rate limits and spend budgets, atomic across replicas.

limiter = make_limiter(settings.limits)          # memory | redis | postgres
hold = await admit(limiter, tenant, estimate)    # raises RateLimited (429)
...                                              # run the turn
await limiter.commit(hold, turn_cost(usage, price))
"""

from vlgate.limits.base import (
    Budget,
    Decision,
    LimitSettings,
    LimitStore,
    PeriodLimit,
    RateLimit,
    Reservation,
    TenantLimits,
)
from vlgate.limits.limiter import Limiter, StoreLimiter
from vlgate.limits.registry import STORES, admit, make_limiter

__all__ = [
    "STORES",
    "Budget",
    "Decision",
    "LimitSettings",
    "LimitStore",
    "Limiter",
    "PeriodLimit",
    "RateLimit",
    "Reservation",
    "StoreLimiter",
    "TenantLimits",
    "admit",
    "make_limiter",
]
