"""The reference: a trivial Flask app, served exactly like seminar_app."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
