"""Invitation campaigns: an event's invitations to a partner's contacts, sent through the
outbox in batches, and each invitee's answer (registered, cannot come, unsubscribed)."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__)
