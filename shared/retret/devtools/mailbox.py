"""Read what the development SMTP sink kept: `python -m retret.devtools.mailbox var/mail [--links]`.

Prints one line per message (oldest first: To, Subject); with --links, only the links in the text bodies —
handy for following an invitation link from a shell."""
from __future__ import annotations

import argparse
import email
import email.policy
import pathlib
import re

LINK = re.compile(r"https?://[^\s<>\"']+")


def messages(directory: str) -> list[email.message.EmailMessage]:
    paths = sorted(pathlib.Path(directory).glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]


def text_of(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", nargs="?", default="var/mail")
    parser.add_argument("--links", action="store_true", help="print only the links found in the messages")
    args = parser.parse_args()
    for message in messages(args.directory):
        if args.links:
            for link in LINK.findall(text_of(message)):
                print(link)
        else:
            print(f"{message['Date']}  {message['To']}  {message['Subject']}")


if __name__ == "__main__":
    main()
