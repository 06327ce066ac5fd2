"""What a mutation's answer says of the caller's audit chain."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension


class AuditHead(SchemaExtension):
    """``extensions.auditHead`` on every mutation that appended to the caller's audit
    chain: its new seq and hash, for a party's own system to keep and later check
    (``jointcode audit verify``) that nothing before it was cut or rewritten."""

    def get_results(self) -> dict[str, Any]:
        head = getattr(self.execution_context.context, "audit_heads", None)
        return {"auditHead": dict(head)} if head else {}
