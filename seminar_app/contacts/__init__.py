"""Contacts: each partner's stakeholder lists (imported from CSV or XLSX or added by hand),
with where each contact came from and on what legal basis, and the project's suppression
list of addresses that must never be invited again."""

from flask import Blueprint

bp = Blueprint("contacts", __name__)
