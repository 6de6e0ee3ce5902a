from __future__ import annotations

import pytest

from pipeline_dags.retention import DEFAULT_RETENTION_DAYS, InvalidRetentionError, purge_in_batches, retention_days


def test_retention_days_param_then_variable_then_default():
    assert retention_days(7, "30") == 7
    assert retention_days(None, "45") == 45
    assert retention_days("", None) == DEFAULT_RETENTION_DAYS


@pytest.mark.parametrize("bad", [0, -1, 3651, "thirty", "1.5"])
def test_retention_days_refuses_values_outside_the_policy(bad):
    with pytest.raises(InvalidRetentionError, match="retention_days"):
        retention_days(bad, None)


def test_purges_in_batches_until_one_is_short_or_the_cap():
    remaining = [1000, 1000, 250]
    messages = []
    purged, batches = purge_in_batches(lambda: remaining.pop(0), 1000, None, messages.append)
    assert (purged, batches) == (2250, 3)
    assert messages[-1] == "batch 3: purged 250 dead letters' raw bytes (2250 so far)"

    endless = iter([1000] * 10)
    assert purge_in_batches(lambda: next(endless), 1000, 2, lambda _m: None) == (2000, 2)
