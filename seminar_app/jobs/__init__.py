"""Scheduled work: what is due at a given moment (reminders, feedback requests, deletion
of operational data after an event), run by `flask jobs run` from cron or a timer."""
