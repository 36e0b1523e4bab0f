"""A second gateway process for the cross-process limit tests.

Usage: python limits_worker.py STORE URL PREFIX TENANT ATTEMPTS KIND
Prints "ready" once connected, waits for a line on stdin, then makes ATTEMPTS
concurrent ``check`` (KIND=rate) or ``reserve`` (KIND=budget) calls and prints the
number admitted."""

from __future__ import annotations

import asyncio
import sys

from vlgate.limits import Budget, LimitSettings, RateLimit, TenantLimits, make_limiter

BURST = 50
BUDGET_USD = 0.05
EACH_USD = 0.001


def settings(store: str, url: str, prefix: str) -> LimitSettings:
    return LimitSettings(
        store=store,
        url=url,
        key_prefix=prefix,
        default=TenantLimits(
            rate=RateLimit(requests_per_minute=1 / 60, burst=BURST),  # 1 an hour after the burst
            budget=Budget(daily_usd=BUDGET_USD),
        ),
    )


async def main(store: str, url: str, prefix: str, tenant: str, attempts: int, kind: str) -> None:
    limiter = make_limiter(settings(store, url, prefix))
    await limiter.spent_usd("warm-up")  # connect (and create the tables) before the start
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    if kind == "rate":
        results = await asyncio.gather(*(limiter.check(tenant) for _ in range(attempts)))
        admitted = sum(d.allowed for d in results)
    else:
        holds = await asyncio.gather(*(limiter.reserve(tenant, EACH_USD) for _ in range(attempts)))
        admitted = sum(h.allowed for h in holds)
    await limiter.aclose()
    print(admitted, flush=True)


if __name__ == "__main__":
    a = sys.argv[1:]
    asyncio.run(main(a[0], a[1], a[2], a[3], int(a[4]), a[5]))
