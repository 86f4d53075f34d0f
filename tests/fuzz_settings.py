"""How hard the property tests push: a bounded number of examples in `make test`, many more in `make fuzz`.

$AEVIEWER_FUZZ_EXAMPLES sets the examples per test (`make fuzz` sets 2000); the default keeps CI fast.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("AEVIEWER_FUZZ_EXAMPLES", "40"))

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
