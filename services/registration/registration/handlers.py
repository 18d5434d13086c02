"""What registration does with incoming events: nothing yet (it is a source only)."""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session

HANDLERS: dict[str, Callable[[Session, dict], None]] = {}
