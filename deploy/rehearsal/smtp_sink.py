"""An SMTP server on loopback that accepts every message and records it, one JSON line each
(time, Message-ID, recipients, subject), in the file given. Stops on SIGTERM.

    python deploy/rehearsal/smtp_sink.py PORT LOG_FILE
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from email import message_from_bytes
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, path: str) -> None:
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8")  # noqa: SIM115 (open for the process's life)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=default)
        line = {
            "time": time.time(),
            "message_id": str(message.get("Message-ID", "")).strip(),
            "to": list(envelope.rcpt_tos),
            "subject": str(message.get("Subject", "")),
        }
        with self.lock:
            self.file.write(json.dumps(line) + "\n")
            self.file.flush()
        return "250 Message accepted for delivery"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"smtp sink on 127.0.0.1:{port}, recording to {path}", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
