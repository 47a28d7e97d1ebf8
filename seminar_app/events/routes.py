# Stub so the layout renders; the organiser-workspace work replaces this file.
from flask_login import login_required

from seminar_app.events import bp


@bp.route("/events")
@login_required
def my_events():  # type: ignore[no-untyped-def]
    return "My events"
