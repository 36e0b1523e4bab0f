from __future__ import annotations

import pytest

from vlgate.guard import Guards, GuardSettings


@pytest.fixture(scope="session")
def guards() -> Guards:
    return Guards(GuardSettings(pii={"hash_key": "test-key"}))
