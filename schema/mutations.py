"""The root Mutation: every domain's mutations, assembled.

Each domain keeps its own (``schema/<domain>/mutations.py``); a resolver checks the role,
runs one transaction and answers with the result or ``UserError`` values.
"""

from __future__ import annotations

import strawberry

from schema.cases.mutations import CaseMutation
from schema.parties.mutations import PartyMutation
from schema.parties.webhooks import WebhookMutation
from schema.publication.mutations import CheckpointMutation, ReleaseMutation
from schema.reports.mutations import ReportMutation


@strawberry.type
class Mutation(
    PartyMutation, CaseMutation, ReleaseMutation, CheckpointMutation, ReportMutation,
    WebhookMutation,
):  # fmt: skip
    pass
