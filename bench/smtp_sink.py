"""The benchmarks' SMTP server: aiosmtpd's Sink, offering PIPELINING (RFC 2920) as the
relays a deployment sends through do (Postfix, Exim, Gmail, Amazon SES); aiosmtpd itself
does not announce it, although it reads pipelined commands in order.

    python -m aiosmtpd -n -l 127.0.0.1:PORT -c bench.smtp_sink.PipeliningSink
"""

from __future__ import annotations

from typing import Any

from aiosmtpd.handlers import Sink


class PipeliningSink(Sink):
    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        return [responses[0], "250-PIPELINING", *responses[1:]]
