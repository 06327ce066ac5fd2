"""Reading the code of conduct: its versions and the sanction guidance (public)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

import codes
from codes.errors import CodeErrorCode, CodeInputError
from codes.guidance import sanction_guidance
from db.errors import DomainError, DomainErrors, from_problems
from schema.code.types import Code, SanctionGuidance
from schema.context import RequestContext
from schema.errors import bad_input
from schema.fields import public_field

Ctx = Info[RequestContext, None]


@strawberry.type
class CodeQuery:
    @public_field(description="A version of the joint code; the one in force by default.")
    def code(self, version: str | None = None) -> Code | None:
        found = codes.get_version(version) if version else codes.default_version()
        return Code.from_version(found) if found else None

    @public_field(description="Every version of the joint code.")
    def codes(self) -> list[Code]:
        return [Code.from_version(v) for v in codes.load_versions().values()]

    @public_field(
        description="The severity level and recommended sanction range the code gives for "
        "proven provisions and aggravating/mitigating factors, with the reasoning. Unknown "
        "ids are a BAD_USER_INPUT error listing the allowed ids."
    )
    def sanction_guidance(
        self,
        provisions: list[str],
        factors: list[str] | None = None,
        version: str | None = None,
    ) -> SanctionGuidance:
        found = codes.get_version(version) if version else codes.default_version()
        if found is None:
            raise bad_input(
                DomainError(
                    CodeErrorCode.UNKNOWN_CODE_VERSION,
                    f"Unknown code version {version!r}; known versions: "
                    f"{', '.join(codes.load_versions())}.",
                    field=("version",),
                )
            )
        try:
            guidance = sanction_guidance(found, provisions=provisions, factors=factors or [])
        except CodeInputError as exc:
            raise bad_input(DomainErrors(from_problems(exc.problems))) from None
        return SanctionGuidance.from_guidance(guidance)
