"""The Redis database the tests may write to.

`.ci/run` runs the SQLite and the PostgreSQL suites side by side; each names its own database
in SEMINAR_TEST_REDIS_URL, so that neither reads the other's cached pages or counters.
"""

from __future__ import annotations

import os

REDIS_URL = os.environ.get("SEMINAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
