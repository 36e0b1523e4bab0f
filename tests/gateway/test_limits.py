"""Per-tenant rate limits and spend budgets on the request path: a clear 429 with
Retry-After, tenants independent, holds settled to the actual cost."""

from __future__ import annotations

from typing import Any

import openai
import pytest

USER = [{"role": "user", "content": "Who should I call?"}]


def test_rate_limit_per_tenant_is_a_429_with_retry_after(make_stack: Any) -> None:
    limits = {
        "default": {"rate": {"requests_per_minute": 60, "burst": 2}},
        "tenants": {"big": {"rate": {"requests_per_minute": 6000, "burst": 50}}},
    }
    keys = {"key-small": "small", "key-big": "big"}
    stack = make_stack(overrides={"limits": limits, "server": {"api_keys": keys}})
    small = stack.client(api_key="key-small")
    for _ in range(2):
        small.chat.completions.create(model="instruct", messages=USER)
    with pytest.raises(openai.RateLimitError) as err:
        small.chat.completions.create(model="instruct", messages=USER)
    assert err.value.code == "rate_limited"
    assert int(err.value.response.headers["retry-after"]) >= 1
    big = stack.client(api_key="key-big")
    for _ in range(5):  # another tenant is not held back by the first one's limit
        big.chat.completions.create(model="instruct", messages=USER)


def test_budget_exhausted_is_a_429(make_stack: Any) -> None:
    # Each answer is 2,000 tokens ($0.0006 at $0.30/M): a $0.001 daily budget is
    # spent by the second; holds are released down to the actual cost.
    limits = {"default": {"budget": {"daily_usd": 0.001}}}
    stack = make_stack(instruct=[{"tokens": 2000}], overrides={"limits": limits})
    client = stack.client()
    codes = []
    for _ in range(3):
        try:
            client.chat.completions.create(model="instruct", messages=USER)
            codes.append(200)
        except openai.RateLimitError as exc:
            codes.append(exc.status_code)
            assert exc.code == "budget_exceeded"
    assert codes == [200, 200, 429]
