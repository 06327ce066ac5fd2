"""The visible contract: the committed SDL, request limits, error masking, pages."""

from __future__ import annotations

from schema import SDL_PATH, export_sdl


def test_committed_sdl_matches_the_code() -> None:
    assert SDL_PATH.read_text() == export_sdl(), "run `make schema` and commit the result"


def test_unexpected_errors_are_masked_with_an_id(caplog) -> None:
    from graphql import GraphQLError

    from schema.masking import MaskUnexpectedErrors

    leaky = GraphQLError(
        "relation party_secret does not exist",
        path=["cases"],
        original_error=RuntimeError("SELECT * FROM party_secret"),
    )
    masked = MaskUnexpectedErrors().anonymise_error(leaky)
    error_id = masked.extensions["errorId"]
    assert masked.message == f"Unexpected error (id {error_id})."
    assert masked.extensions["code"] == "INTERNAL_SERVER_ERROR"
    assert "party_secret" not in str(masked.formatted)
    assert error_id in caplog.text and "party_secret" in caplog.text
