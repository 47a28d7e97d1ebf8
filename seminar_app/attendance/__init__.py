"""Attendance: check-in on site (list, QR code, walk-ins), online attendance imported from
video-conference reports, and the evidence documents (PDF) funders ask for."""

from flask import Blueprint

bp = Blueprint("attendance", __name__)
