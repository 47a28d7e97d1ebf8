"""The WSGI entry point for gunicorn: `gunicorn seminar_app.wsgi:app`.

The app is built from the environment (SEMINAR_CONFIG, SECRET_KEY, DATABASE_URL...). When the
production settings are unusable the problems are printed to stderr, one a line, and the
process exits with status 78 (EX_CONFIG) instead of a traceback; systemd can then be told not
to restart it (RestartPreventExitStatus=78). Run gunicorn with `preload_app = True` (or
--preload) so that this happens once, in gunicorn's master: without it each worker would exit
78 and gunicorn would start another one, for ever.
"""

from __future__ import annotations

import sys

from seminar_app import create_app
from seminar_app.ops.startchecks import EX_CONFIG, ConfigurationError

try:
    app = create_app()
except ConfigurationError as exc:
    print(exc.format_message(), file=sys.stderr, flush=True)
    sys.exit(EX_CONFIG)
