#!/usr/bin/python3
"""SMTP sink for integration tests (run with /usr/bin/python3, which has aiosmtpd).

Listens on 127.0.0.1 (port 0 = any free port), prints "PORT <n>" on stdout once it accepts
connections, and writes every message it receives as one JSON file <dir>/<NNNNNN>.json:

  {"mail_from", "rcpt_tos", "subject" (decoded), "text" and "html" (decoded parts, "\\n"
   line ends), "raw" (the message as received), "content_type", "parts", "defects",
   "message_id", "date", "auth_login", "tls"}

Files appear atomically (written, then renamed). Recipients whose local part starts with
"reject" are refused with 550 and with "tempfail" with 451, so tests can provoke permanent
and transient failures. It exits when its stdin reaches end of file or on SIGTERM.

Options: --dir DIR (required), --port N, --auth USER:PASSWORD (AUTH PLAIN/LOGIN required,
allowed without TLS), --delay SECONDS (before answering DATA: a slow server), --starttls
(offer STARTTLS with a fresh self-signed certificate for 127.0.0.1, <dir>/sink-cert.pem).
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import socket
import ssl
import subprocess
import sys
import warnings
from email import policy
from email.parser import BytesParser

from aiosmtpd.smtp import SMTP, AuthResult


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--auth", default="")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--starttls", action="store_true")
    return parser.parse_args()


def normalize(text):
    return text.replace("\r\n", "\n")


def body_text(message, subtype):
    part = message.get_body((subtype,))
    return normalize(part.get_content()) if part is not None else ""


def describe(envelope, session):
    raw = envelope.original_content or envelope.content or b""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    login = getattr(session.auth_data, "login", None)
    return {
        "mail_from": envelope.mail_from,
        "rcpt_tos": list(envelope.rcpt_tos),
        "subject": str(message.get("subject", "")),
        "text": body_text(message, "plain"),
        "html": body_text(message, "html"),
        "raw": raw.decode("utf-8", "replace"),
        "content_type": message.get_content_type(),
        "parts": [p.get_content_type() for p in message.iter_parts()],
        "defects": [type(d).__name__ for p in message.walk() for d in p.defects],
        "message_id": str(message.get("message-id", "")),
        "date": str(message.get("date", "")),
        "auth_login": login.decode("utf-8", "replace") if login else "",
        "tls": session.ssl is not None,
    }


def write_atomically(path, record):
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(record, out)
    os.rename(temporary, path)


class Handler:
    def __init__(self, directory, delay):
        self.directory = directory
        self.delay = delay
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 Mailbox unavailable"
        if local.startswith("tempfail"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        self.count += 1
        try:
            record = describe(envelope, session)
        except Exception as error:  # a broken message is still recorded, with the error
            record = {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
                      "raw": (envelope.original_content or b"").decode("utf-8", "replace"),
                      "defects": ["ParseError: %s" % error]}
        write_atomically(os.path.join(self.directory, "%06d.json" % self.count), record)
        return "250 Message accepted for delivery"


def make_authenticator(credentials):
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (getattr(auth_data, "login", None) == user.encode()
              and getattr(auth_data, "password", None) == password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return authenticate


def make_tls_context(directory):
    cert = os.path.join(directory, "sink-cert.pem")
    key = os.path.join(directory, "sink-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def smtp_options(args):
    options = {"hostname": "smtp-sink.test", "enable_SMTPUTF8": True}
    if args.auth:
        options.update(auth_required=True, auth_require_tls=False,
                       authenticator=make_authenticator(args.auth))
    if args.starttls:
        options["tls_context"] = make_tls_context(args.dir)
    return options


def watch_for_exit(loop, stop):
    def on_stdin():
        try:
            data = os.read(sys.stdin.fileno(), 4096)
        except OSError:
            data = b""
        if not data:
            stop.set()

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)


async def serve(args):
    loop = asyncio.get_running_loop()
    handler = Handler(args.dir, args.delay)
    options = smtp_options(args)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    server = await loop.create_server(lambda: SMTP(handler, loop=loop, **options), sock=sock)
    stop = asyncio.Event()
    watch_for_exit(loop, stop)
    print("PORT %d" % sock.getsockname()[1], flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    args = parse_args()
    warnings.filterwarnings("ignore", module="aiosmtpd")  # AUTH without TLS is on purpose
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(args.dir, exist_ok=True)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
