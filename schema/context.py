"""What every resolver receives: the database and who is calling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.session import Database
from parties.tokens import Viewer


@dataclass(slots=True)
class RequestContext:
    db: Database
    viewer: Viewer | None
    request: Any = None
    response: Any = None
