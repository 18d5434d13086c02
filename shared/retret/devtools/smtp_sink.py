"""An SMTP sink (aiosmtpd) that keeps every message as an .eml file: `make run`'s stand-in for mailpit."""
from __future__ import annotations

import argparse
import os
import time
import uuid

from aiosmtpd.controller import Controller


class MaildirHandler:
    def __init__(self, directory: str):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        tmp = os.path.join(self.directory, "." + name)
        with open(tmp, "wb") as fh:
            fh.write(envelope.original_content or envelope.content)
        os.replace(tmp, os.path.join(self.directory, name))  # readers never see half a message
        return "250 Message accepted for delivery"


def start(directory: str, host: str = "127.0.0.1", port: int = 1025) -> Controller:
    controller = Controller(MaildirHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--directory", default="var/mail")
    args = parser.parse_args()
    controller = start(args.directory, args.host, args.port)
    print(f"SMTP sink on {args.host}:{args.port}, messages in {args.directory}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        controller.stop()


if __name__ == "__main__":
    main()
