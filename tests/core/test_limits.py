"""The guards every loader shares: bounded JSON, the memory budget in bytes, model-config limits."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from aeviewer.core import safe_json
from aeviewer.core.memory_budget import BUDGET_ENV, MemoryBudgetExceeded, check_bytes
from aeviewer.core.models import ModelConfig
from aeviewer.core.models.model_limits import ModelLimitError, check_model_config


def test_nesting_is_measured_outside_strings():
    assert safe_json.nesting_depth(b'{"a": [1, {"b": "[[[[[[[["}], "c": "\\"]]]"}') == 3
    assert safe_json.loads('{"a": "[[[[" }') == {"a": "[[[["}
    with pytest.raises(safe_json.JsonProblem, match="nests 100,000 levels deep"):
        safe_json.loads("[" * 100_000 + "]" * 100_000)


def test_json_problems_are_one_error_type():
    for bad in (b"\xff\xfe", b"{", "1" * 5000, b'{"a": 1,}'):
        with pytest.raises(safe_json.JsonProblem):
            safe_json.loads(bad)
    assert safe_json.loads_line(b"[" * 1000) is None


def test_the_budget_is_in_bytes_and_named_in_the_refusal(monkeypatch):
    monkeypatch.setenv(BUDGET_ENV, "1000")
    check_bytes(1000, "a small thing")
    with pytest.raises(MemoryBudgetExceeded, match=r"would need about 2 kB of memory \(2,000 bytes\), more than the "
                                                   r"1 kB \(1,000 bytes\)"):
        check_bytes(2000, "a bigger thing")


def test_the_budget_shrinks_under_ulimit_v():
    """Under an address-space limit (ulimit -v), the budget is half of what is left under it, not of the RAM."""
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3));"
            "from aeviewer.core.memory_budget import budget_bytes; print(budget_bytes())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={k: v for k, v in os.environ.items() if k != BUDGET_ENV})
    assert 0 < int(out.stdout) <= 1.5 * 1024**3  # at most half of the 3 GB limit, whatever the machine's RAM


def test_model_configs_are_bounded_and_must_run_on_one_sample():
    assert check_model_config(ModelConfig(input_shape=(1, 8, 8), hidden=(16,))) > 0
    with pytest.raises(ModelLimitError, match="hidden lists 33 layers; aeviewer builds at most 32"):
        check_model_config(ModelConfig(input_shape=(1, 8, 8), hidden=(4,) * 33))
    with pytest.raises(ModelLimitError, match="latent_dim is 5,000"):
        check_model_config(ModelConfig(input_shape=(1, 8, 8), latent_dim=5000))
    with pytest.raises(ModelLimitError, match="a layer 20,000 wide"):
        check_model_config(ModelConfig(input_shape=(1, 8, 8), hidden=(20_000,)))
