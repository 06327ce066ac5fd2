"""Owner functions are safe by construction (PostgreSQL's "Writing SECURITY DEFINER
Functions Safely"): the catalog is walked for every function of ours, and the application
role tries temporary-table shadowing of every table those functions read (issue 21).

Two walls, each tested on its own: the application role cannot create temporary tables
at all, and even a role that could (granted here for the test, then revoked) finds every
owner function reading the owner's tables, never its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from cases import service as case_service
from db.session import APP_ROLE, Database
from parties import service as party_service
from parties import tokens
from parties.tokens import Role

TRUSTED_PATH = ["pg_catalog", "public", "pg_temp"]


async def _party_with_cases(owner_db: Database, slug: str, n: int) -> tuple[UUID, str]:
    async with owner_db.transaction() as session:
        party = await party_service.register_party(session=session, slug=slug, name=slug)
        issued = await tokens.issue_token(session=session, role=Role.OFFICER, party_slug=slug)
    async with owner_db.transaction(party_id=party.id) as session:
        for i in range(n):
            await case_service.submit_case(
                session=session, party_id=party.id, reference=f"{slug}-{i}",
                received_on=date(2026, 1, 5), provisions=["JC1"], channel="email",
                respondent_role="member", summary="secret",
            )  # fmt: skip
    return party.id, issued.secret


async def _rows(session: AsyncSession, sql: str) -> list[tuple]:
    return [tuple(r) for r in (await session.execute(text(sql))).all()]


async def test_every_function_of_ours_searches_trusted_schemas_with_pg_temp_last(
    owner_db: Database,
) -> None:
    async with owner_db.transaction() as session:
        functions = await _rows(
            session,
            "SELECT p.oid::regprocedure::text, p.prosecdef, "
            "  (SELECT split_part(c, '=', 2) FROM unnest(p.proconfig) c "
            "   WHERE c LIKE 'search\\_path=%') "
            "FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid "
            "                AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e')",
        )
        public_execute = await _rows(
            session,
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef "
            "AND has_function_privilege('public', p.oid, 'EXECUTE')",
        )
    definers = [f for f in functions if f[1]]
    assert len(definers) >= 25  # the binding, tokens, statistics, reports, guards...
    unsafe = [
        (name, path)
        for name, _, path in functions
        if path is None or [s.strip() for s in path.split(",")] != TRUSTED_PATH
    ]
    assert unsafe == []
    assert public_execute == []  # every definer is granted by name, never to PUBLIC


async def test_the_app_role_can_create_nothing_anywhere(db: Database) -> None:
    async with db.transaction() as session:
        (row,) = await _rows(
            session,
            "SELECT has_database_privilege(current_user, current_database(), 'TEMPORARY'), "
            "has_database_privilege(current_user, current_database(), 'CREATE'), "
            "has_schema_privilege(current_user, 'public', 'CREATE'), "
            "has_database_privilege('public', current_database(), 'TEMPORARY'), "
            "has_schema_privilege('public', 'public', 'CREATE'), "
            "(SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb FROM pg_roles "
            " WHERE rolname = current_user), "
            "(SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole) "
            "+ (SELECT count(*) FROM pg_proc WHERE proowner = current_user::regrole) "
            "+ (SELECT count(*) FROM pg_namespace WHERE nspowner = current_user::regrole)",
        )
    assert row == (False, False, False, False, False, False, 0)
    for statement in (
        "CREATE TEMP TABLE tokens (id uuid)",
        "CREATE TEMPORARY VIEW releases AS SELECT 1",
        "CREATE TABLE public.binding_key (id int)",
        "CREATE SCHEMA attacker",
        "CREATE FUNCTION public.jc_here() RETURNS text LANGUAGE sql AS 'SELECT 1::text'",
    ):
        with pytest.raises(DBAPIError, match=r"permission denied|must be owner"):
            async with db.transaction() as session:
                await session.execute(text(statement))


async def test_temporary_tables_stay_refused_after_an_owner_function_made_some(
    db: Database, owner_db: Database
) -> None:
    """The owner's statistics functions create temporary tables in the caller's session;
    the schema they make stays the owner's, not a door for the caller."""
    _, secret = await _party_with_cases(owner_db, "party-a", 1)
    async with owner_db.transaction() as session:
        k = await session.scalar(text("SELECT max(k) FROM code_rules"))
    with pytest.raises(DBAPIError, match="permission denied"):
        async with db.transaction(credential=secret) as session:
            await session.execute(
                text("SELECT publish_statistics_edition('2000-Q1', '[]', '{}', :k)"), {"k": k}
            )
            await session.execute(text("CREATE TEMP TABLE tokens (id uuid)"))


async def test_statistics_functions_refuse_a_k_below_the_codes(
    db: Database, owner_db: Database
) -> None:
    """The app role, unbound, recomputed every public table with k = 2 before 0023."""
    async with owner_db.transaction() as session:
        k = await session.scalar(text("SELECT max(k) FROM code_rules"))
    for call in (
        "SELECT publish_statistics_edition('2000-Q1', '[]', '{}', :k)",
        "SELECT publish_report_statistics_edition('2000-Q1', '[]', '{}', '{}', '{}', '[]', :k)",
    ):
        with pytest.raises(DBAPIError, match="keep the code's k"):
            async with db.transaction() as session:
                await session.execute(text(call), {"k": k - 1})
    async with db.transaction() as session:
        callable_inner = await _rows(
            session,
            "SELECT proname FROM pg_proc WHERE proname LIKE '%\\_unchecked' "
            "AND has_function_privilege(current_user, oid, 'EXECUTE')",
        )
    assert callable_inner == []


@asynccontextmanager
async def _app_role_may_create_temporary_tables(owner_db: Database) -> AsyncIterator[None]:
    """Undo the first wall for one test, to show the second holds on its own."""
    grant = "GRANT TEMPORARY ON DATABASE {db} TO " + APP_ROLE
    async with owner_db.transaction() as session:
        name = await session.scalar(text("SELECT quote_ident(current_database())"))
        await session.execute(text(grant.format(db=name)))
    try:
        yield
    finally:
        async with owner_db.transaction() as session:
            await session.execute(text(f"REVOKE TEMPORARY ON DATABASE {name} FROM {APP_ROLE}"))


async def test_shadowing_every_table_the_owner_functions_read_finds_nothing(
    db: Database, owner_db: Database
) -> None:
    party_a, secret_a = await _party_with_cases(owner_db, "party-a", 3)
    party_b, _ = await _party_with_cases(owner_db, "party-b", 5)
    async with owner_db.transaction() as session:
        # every owner table whose name appears in an owner function's body
        names = [
            r[0]
            for r in await _rows(
                session,
                "SELECT DISTINCT c.relname FROM pg_class c, pg_proc p "
                "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v') "
                "AND p.pronamespace = 'public'::regnamespace AND p.prosecdef "
                "AND p.prosrc ~ ('\\m' || c.relname || '\\M') ORDER BY 1",
            )
        ]
    assert {"tokens", "binding_key", "releases", "code_rules", "published_outcomes"} <= set(names)
    forged_key = b"\x01" * 64
    async with _app_role_may_create_temporary_tables(owner_db):
        async with db.transaction() as session:
            for name in names:
                await session.execute(text(f"CREATE TEMP TABLE {name} (shadow int) ON COMMIT DROP"))
            # the attacks of issue 21, with shadows of the right shape where they matter
            await session.execute(text("DROP TABLE pg_temp.binding_key, pg_temp.tokens, "
                                       "pg_temp.code_rules"))  # fmt: skip
            await session.execute(
                text("CREATE TEMP TABLE binding_key (id boolean, key bytea) ON COMMIT DROP;")
            )
            await session.execute(
                text("INSERT INTO pg_temp.binding_key VALUES (true, :k)"), {"k": forged_key}
            )
            await session.execute(
                text(
                    "CREATE TEMP TABLE tokens ON COMMIT DROP AS SELECT gen_random_uuid() AS id, "
                    "sha256('forged'::bytea) AS token_hash, 'jc_forg'::text AS display_prefix, "
                    "''::text AS label, 'operator'::text AS role, :p ::uuid AS party_id, "
                    "now() AS created_at, NULL::timestamptz AS expires_at, "
                    "NULL::timestamptz AS last_used_at, NULL::timestamptz AS revoked_at, "
                    "NULL::uuid AS rotated_from"
                ),
                {"p": party_b},
            )
            await session.execute(
                text(
                    "CREATE TEMP TABLE code_rules ON COMMIT DROP AS SELECT code_version, "
                    "1 AS k, 1 AS l_diversity FROM public.code_rules"
                )
            )
            # a forged token binds nothing; a binding sealed with the forged key binds nothing
            assert await _rows(session, "SELECT * FROM jc_bind_token('forged')") == []
            here = await session.scalar(text("SELECT jc_here()"))
            payload = f"operator|||{here}"
            await session.execute(
                text(
                    "SELECT set_config('jointcode.binding', :p || '|' || encode(sha256(:k || "
                    "sha256(:k || convert_to(:p, 'UTF8'))), 'hex'), true)"
                ),
                {"p": payload, "k": forged_key},
            )
            assert await session.scalar(text("SELECT jc_role()")) is None
            assert await session.scalar(text("SELECT count(*) FROM public.cases")) == 0
            assert await session.scalar(text("SELECT party_private_key()")) is None
            for private in ("reports", "audit_entries", "party_keys", "case_reads"):
                seen = await session.scalar(text(f"SELECT count(*) FROM public.{private}"))
                assert seen == 0, private
            # the real token still binds its own party only: the owner's tables were read
            bound = await _rows(session, f"SELECT role, party_id FROM jc_bind_token('{secret_a}')")
            assert bound == [("officer", party_a)]
            assert await session.scalar(text("SELECT count(*) FROM public.cases")) == 3
            assert await session.scalar(text("SELECT jc_party()")) == party_a
            # the statistics wrapper read the real code_rules, not the shadow with k = 1
            with pytest.raises(DBAPIError, match="keep the code's k"):
                async with session.begin_nested():
                    await session.execute(
                        text("SELECT publish_statistics_edition('2000-Q1', '[]', '{}', 2)")
                    )
            # the chain head comes from the owner's audit entries
            head = await _rows(session, f"SELECT seq FROM jc_chain_head('{party_a}')")
            assert head and head[0][0] >= 1
    with pytest.raises(DBAPIError, match="permission denied"):  # the wall is back
        async with db.transaction() as session:
            await session.execute(text("CREATE TEMP TABLE tokens (id uuid)"))
