#!/usr/bin/env python3
"""A local SMTP sink for the proxy's mail tests (proxy/tests/mail.rs).

Listens on 127.0.0.1:PORT with aiosmtpd (plain SMTP, no TLS: the proxy uses
smtp://127.0.0.1:PORT?tls=none) and writes every message it accepts to DIR:
the raw message as NAME.eml and what the test checks, decoded by Python's
email package, as NAME.json (subject, from, to, Message-ID, the content
types, the text and HTML parts). Prints "ready" once it listens and stops
when its standard input closes (so it never outlives the test). Mail to
nobody@… is refused with 550 (a permanent error).

    python3 smtp_sink.py --port 2525 --dir /tmp/mails
"""

import argparse
import email
import email.policy
import json
import os
import sys
import time
import uuid

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, directory):
        self.directory = directory

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A mailbox that does not exist: refused for good, as a real server would.
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        facts = {
            "subject": str(msg["subject"] or ""),
            "from": str(msg["from"] or ""),
            "to": str(msg["to"] or ""),
            "rcpt_tos": list(envelope.rcpt_tos),
            "message_id": str(msg["message-id"] or ""),
            "content_type": msg.get_content_type(),
            "parts": [p.get_content_type() for p in msg.walk() if not p.is_multipart()],
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
        }
        name = f"{time.time_ns()}-{uuid.uuid4().hex}"
        with open(os.path.join(self.directory, name + ".eml"), "wb") as f:
            f.write(raw)
        tmp = os.path.join(self.directory, name + ".json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(facts, f, ensure_ascii=False)
        os.rename(tmp, os.path.join(self.directory, name + ".json"))
        return "250 Message accepted"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Keep(args.dir), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
