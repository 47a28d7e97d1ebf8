"""The reference for registrations: a minimal Flask + SQLAlchemy app inserting one row per request."""

from __future__ import annotations

import os

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class BenchRow(db.Model):
    __tablename__ = "bench_insert_row"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    email: Mapped[str]


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db.init_app(app)
with app.app_context():
    db.create_all()


@app.post("/insert")
def insert() -> tuple[dict[str, str], int]:
    body = request.get_json()
    db.session.add(BenchRow(name=body["name"], email=body["email"]))
    db.session.commit()
    return {"status": "received"}, 202
