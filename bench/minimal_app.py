"""The reference for read paths: a minimal Flask + SQLAlchemy app that reads one row with one
SELECT and renders a tiny template per GET, served exactly like seminar_app.

It maps a few columns of seminar_app's own `event` table (read-only), so both apps read the
same database; `/` answers the first event, `/events/<id>` the one asked for.
"""

from __future__ import annotations

import os
from datetime import datetime

from flask import Flask, abort, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class BenchEvent(db.Model):
    __tablename__ = "event"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    city: Mapped[str]
    starts_at: Mapped[datetime]


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db.init_app(app)


@app.get("/")
@app.get("/events/<int:event_id>")
def event(event_id: int | None = None) -> str:
    query = select(BenchEvent).order_by(BenchEvent.id).limit(1)
    if event_id is not None:
        query = select(BenchEvent).where(BenchEvent.id == event_id)
    found = db.session.scalars(query).first()
    if found is None:
        abort(404)
    return render_template("minimal.html", event=found)
