"""The public site in a real browser: Debian's chromium driven by Playwright (no browser
download), against `jointcode serve` on the seeded demo database.

Every page: rendered with every demo party where it belongs, no request leaving
127.0.0.1, no Content-Security-Policy violation or script error, no axe-core violation,
every control reachable with the keyboard, no sideways scrolling at 360 px; screenshots
at 1280 and 390 px saved as artefacts (JOINTCODE_ARTIFACTS, default .artifacts/). And
GraphiQL loads from the service's own assets and runs a query.

Where no chromium is installed the tests are skipped, except in CI (``CI`` set), where
`.ci/run` installs it and a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pytest_asyncio

from cases.synthetic import PROFILES

CHROMIUM = os.environ.get("JOINTCODE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("JOINTCODE_ARTIFACTS", ".artifacts")) / "screenshots"
README_SCREENSHOT = Path(__file__).parents[2] / "docs" / "screenshots" / "home.png"
# chromium's own background traffic would be refused by a closed network, many at a time
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]  # fmt: skip
PAGES = {
    "home": "/",
    "explore": "/explore?by=family&party=each",
    "explore-table": "/explore?by=sanction_band&period=year&view=table",
    "explore-unpublished": "/explore?by=provision&party=each",
    "code": "/code",
    "report": "/report",
    "report-status": "/report/status",
    "methodology": "/methodology",
    "calendar": "/calendar",
    "releases": "/releases",
    "open-data": "/open-data",
    **{f"party-{p.slug}": f"/parties/{p.slug}" for p in PROFILES["small"].parties},
}
FOCUSABLE = "a[href], button, select, input, textarea, [tabindex]:not([tabindex='-1'])"

pytestmark = [
    pytest.mark.slow,  # `make test` leaves it to CI (TIERS=all)
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason=f"no chromium at {CHROMIUM} (CI installs it)",
    ),
]


@pytest_asyncio.fixture(scope="module")
async def browser() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        await launched.close()


async def _open(browser: object, base: str, path: str, width: int) -> tuple[object, dict]:
    """A fresh page with every request, console error and CSP report recorded."""
    page = await browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    seen: dict[str, list[str]] = {"requests": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    response = await page.goto(base + path, wait_until="networkidle")
    assert response is not None and response.status == 200, path
    return page, seen


def _local(seen: dict) -> None:
    elsewhere = [
        u
        for u in seen["requests"]
        if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != "127.0.0.1"
    ]
    assert not elsewhere, f"requests left 127.0.0.1: {elsewhere}"
    assert not seen["errors"], seen["errors"]


@pytest.mark.parametrize("name", sorted(PAGES))
async def test_page_in_a_real_browser(browser: object, live_server: str, name: str) -> None:
    from axe_playwright_python.async_playwright import Axe

    path = PAGES[name]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page, seen = await _open(browser, live_server, path, width)
        await page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        if name == "home" and width == 1280 and os.environ.get("JOINTCODE_UPDATE_SCREENSHOT"):
            # the README's picture, made here so it shows the site as it is
            await page.screenshot(path=str(README_SCREENSHOT), clip={
                "x": 0, "y": 0, "width": 1280, "height": 1250})  # fmt: skip
        _local(seen)
        if width == 1280:
            weight = await page.evaluate(
                "performance.getEntriesByType('navigation')"
                ".concat(performance.getEntriesByType('resource'))"
                ".reduce((n, e) => n + e.encodedBodySize, 0)"
            )
            assert name != "home" or weight < 250_000, f"home weighs {weight} bytes"
            results = await Axe().run(page)
            assert results.violations_count == 0, results.generate_report()
            await _keyboard_reaches_every_control(page)
        await page.close()
    narrow, seen = await _open(browser, live_server, path, 360)
    overflow = await narrow.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways at 360 px by {overflow} px"
    images = await narrow.evaluate(
        "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length"
    )
    assert images == 0, "every chart loads"
    await narrow.close()


async def _keyboard_reaches_every_control(page: object) -> None:
    """Tab from the top until focus comes round again: every visible control is reached,
    the skip link first."""
    controls = await page.evaluate(  # type: ignore[attr-defined]
        f"""Array.from(document.querySelectorAll("{FOCUSABLE}"))
             .filter(e => e.getClientRects().length > 0 || e.classList.contains('skip'))
             .map((e, i) => {{
                // a radio group is one stop for Tab (arrow keys move inside it)
                e.dataset.kbd = e.type === "radio" ? "radio:" + e.name : String(i);
                return e.dataset.kbd; }})"""
    )
    controls = list(dict.fromkeys(controls))
    reached: list[str] = []
    for _ in range(3 * len(controls) + 10):
        await page.keyboard.press("Tab")  # type: ignore[attr-defined]
        current = await page.evaluate("document.activeElement?.dataset?.kbd ?? null")  # type: ignore[attr-defined]
        if reached and current == reached[-1]:
            continue  # still inside one control (a date input's day, month and year)
        if current is None or current in reached:
            if current is None and not reached:
                continue
            break
        reached.append(current)
    assert reached and reached[0] == "0", "the skip link comes first"
    assert set(reached) == set(controls), f"not reached by Tab: {set(controls) - set(reached)}"


async def test_graphiql_loads_and_runs_a_query(browser: object, live_server: str) -> None:
    query = "{ parties { slug isDemo } }"
    page, seen = await _open(browser, live_server, "/graphql?q=" + query, 1280)
    await page.wait_for_selector(".graphiql-container", timeout=20_000)
    await page.click(".graphiql-execute-button")
    result = page.locator(".result-window")
    await result.get_by_text('"slug"').first.wait_for(timeout=20_000)
    text = await result.inner_text()
    for party in PROFILES["small"].parties:
        assert party.slug in text
    await page.screenshot(path=str(ARTIFACTS / "graphiql-1280.png"))
    _local(seen)
    await page.close()


async def _axe(page: object) -> None:
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


async def _reports_with(site_url: str, code: str) -> int:
    from sqlalchemy import text

    from db.session import Database, make_engine

    owner = Database(make_engine(site_url, pool_size=1), operator=True)
    try:
        async with owner.transaction() as session:
            found = await session.scalar(
                text("SELECT count(*) FROM reports WHERE code = :c"), {"c": code}
            )
            return int(found or 0)
    finally:
        await owner.dispose()


async def _officer(site_url: str) -> str:
    from api import demo
    from db.session import Database, make_engine

    owner = Database(make_engine(site_url, pool_size=1), operator=True)
    try:
        issued = await demo.issue_tokens(owner)
    finally:
        await owner.dispose()
    return next(t.secret for t in issued if t.role == "officer" and t.party == "lantern")


QUEUE = """query($after: String) { reports(first: 50, after: $after) {
  edges { node { id code contents { additions { text } } } } pageInfo { endCursor } } }"""
ACCEPT = """mutation($id: ID!) { acceptReport(input: {id: $id}) {
  case { id version provisions state } errors { code } } }"""
DECLINE = """mutation($id: ID!) { declineReport(input: {id: $id, reason: "conduct_not_covered"}) {
  errors { code } } }"""
LODGE = """mutation($id: ID!, $v: Int!) { lodgeAppeal(input: {id: $id, expectedVersion: $v,
  appellant: RESPONDENT}) { case { version } errors { code } } }"""
APPEAL = """mutation($id: ID!, $v: Int!) { decideAppeal(input: {id: $id, expectedVersion: $v,
  outcome: UPHELD}) { errors { code } } }"""


async def _node(gql: object, officer: str, code: str) -> dict:
    after = None
    while True:
        page = (await gql.ok(QUEUE, {"after": after}, token=officer))["reports"]  # type: ignore[attr-defined]
        for edge in page["edges"]:
            if edge["node"]["code"] == code:
                return edge["node"]
        if not page["edges"]:
            raise AssertionError(f"{code} is not in the queue")
        after = page["pageInfo"]["endCursor"]


async def _fill_with_keyboard(page: object, what: str) -> None:
    """As a person without a mouse would: Space ticks, Enter sends."""
    await page.select_option("#party", "lantern")  # type: ignore[attr-defined]
    await page.select_option("#respondent_role", "unknown")  # type: ignore[attr-defined]
    await page.focus("#provision-JC2")  # type: ignore[attr-defined]
    await page.keyboard.press("Space")  # type: ignore[attr-defined]
    await page.select_option("#channel", "in_person_hustings")  # type: ignore[attr-defined]
    await page.fill("#occurred_from", "2026-10-01")  # type: ignore[attr-defined]
    await page.fill("#what_happened", what)  # type: ignore[attr-defined]
    for box in ("#kind-witness", "#consent"):
        await page.focus(box)  # type: ignore[attr-defined]
        await page.keyboard.press("Space")  # type: ignore[attr-defined]
    await page.focus("button[type=submit]")  # type: ignore[attr-defined]


async def _status(page: object, base: str) -> str:
    await page.goto(base + "/report/status")  # type: ignore[attr-defined]
    return str(await page.locator("dl.receipt").first.inner_text())  # type: ignore[attr-defined]


async def test_the_reporters_journey_in_a_browser(
    browser: object, live_server: str, site_url: str, site: object
) -> None:
    """Issue 23: filed with the keyboard; a reload and the back button leave exactly one
    report; withdrawing asks first; added information reaches the officer; the status
    follows the case through decision, appeal and final with no operator command; a
    declined report shows its reason. axe on every page of the journey."""
    from codes import clock
    from tests.conftest import GraphQLClient
    from tests.helpers import decide

    gql = GraphQLClient(site)  # type: ignore[arg-type]
    officer = await _officer(site_url)
    page, seen = await _open(browser, live_server, "/report", 1280)
    await _fill_with_keyboard(page, "Blocked my way out of the hustings and shouted at me.")
    async with page.expect_navigation():  # type: ignore[attr-defined]
        await page.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert page.url.endswith("/report/sent")  # type: ignore[attr-defined]
    code = await page.input_value("#receipt-code")  # type: ignore[attr-defined]
    secret = await page.input_value("#receipt-secret")  # type: ignore[attr-defined]
    assert await page.is_visible("button.copy") and await page.is_visible("button.print")  # type: ignore[attr-defined]
    await page.screenshot(path=str(ARTIFACTS / "report-receipt-1280.png"))  # type: ignore[attr-defined]
    await _axe(page)
    await page.reload()  # type: ignore[attr-defined]
    assert await page.input_value("#receipt-secret") == secret  # type: ignore[attr-defined]
    await page.go_back()  # type: ignore[attr-defined]
    assert page.url.endswith("/report")  # type: ignore[attr-defined]
    assert await _reports_with(site_url, code) == 1

    # the status page, from the lookup form; the secret typed loosely
    await page.goto(live_server + "/report/status")  # type: ignore[attr-defined]
    await page.fill("#code", code)  # type: ignore[attr-defined]
    await page.fill("#secret", secret.lower().replace("-", " "))  # type: ignore[attr-defined]
    async with page.expect_navigation():  # type: ignore[attr-defined]
        await page.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert "Received: waiting for the party" in await page.content()  # type: ignore[attr-defined]
    await _axe(page)
    # withdrawing asks first, and "no" keeps the report
    await page.click("text=Withdraw my report…")  # type: ignore[attr-defined]
    assert "Withdraw your report?" in await page.content()  # type: ignore[attr-defined]
    await _axe(page)
    await page.click("text=No, keep my report")  # type: ignore[attr-defined]
    assert "Received: waiting for the party" in await page.content()  # type: ignore[attr-defined]
    # information added reaches the officer
    await page.fill("#text", "He shouted again at the count on 3 October.")  # type: ignore[attr-defined]
    async with page.expect_navigation():  # type: ignore[attr-defined]
        await page.click("text=Add this to my report")  # type: ignore[attr-defined]
    assert "Your information was added" in await page.content()  # type: ignore[attr-defined]
    node = await _node(gql, officer, code)
    assert [a["text"] for a in node["contents"]["additions"]] == [
        "He shouted again at the count on 3 October."
    ]

    # the case moves; the status follows with no operator command
    accepted = await gql.ok(ACCEPT, {"id": node["id"]}, token=officer)
    assert accepted["acceptReport"]["errors"] == [{"code": "RESPONDENT_ROLE_REQUIRED"}]
    named = await gql.ok(
        """mutation($id: ID!) { acceptReport(input: {id: $id, respondentRole: "candidate"}) {
        case { id version provisions state } errors { code } } }""",
        {"id": node["id"]},
        token=officer,
    )
    case = named["acceptReport"]["case"]
    assert "Being assessed" in await _status(page, live_server)
    today = clock.today().isoformat()
    decided = await decide(gql, officer, case, sanction="suspension", suspensionMonths=3,
                           decided_on=today)  # fmt: skip
    shown = await _status(page, live_server)
    assert "Decided" in shown and "Suspension" in shown and "may appeal until" in shown
    lodged = await gql.ok(LODGE, {"id": case["id"], "v": decided["version"]}, token=officer)
    assert "under appeal" in await _status(page, live_server)
    await gql.ok(APPEAL, {"id": case["id"], "v": lodged["lodgeAppeal"]["case"]["version"]},
                 token=officer)  # fmt: skip
    shown = await _status(page, live_server)
    assert "Final: the decision stands" in shown and "Suspension" in shown
    await _axe(page)

    # a declined report says why
    second, seen2 = await _open(browser, live_server, "/report", 1280)
    await _fill_with_keyboard(second, "Rude to me at a count; not sure it is covered.")
    async with second.expect_navigation():  # type: ignore[attr-defined]
        await second.keyboard.press("Enter")  # type: ignore[attr-defined]
    other = await second.input_value("#receipt-code")  # type: ignore[attr-defined]
    other_secret = await second.input_value("#receipt-secret")  # type: ignore[attr-defined]
    declined = await gql.ok(DECLINE, {"id": (await _node(gql, officer, other))["id"]},
                            token=officer)  # fmt: skip
    assert declined["declineReport"]["errors"] == []
    await second.goto(live_server + "/report/status")  # type: ignore[attr-defined]
    await second.fill("#code", other)  # type: ignore[attr-defined]
    await second.fill("#secret", other_secret)  # type: ignore[attr-defined]
    async with second.expect_navigation():  # type: ignore[attr-defined]
        await second.keyboard.press("Enter")  # type: ignore[attr-defined]
    content = await second.content()  # type: ignore[attr-defined]
    assert "Not taken up by the party" in content
    assert "The conduct is not covered by the code" in content
    _local(seen)
    _local(seen2)
    await page.close()  # type: ignore[attr-defined]
    await second.close()  # type: ignore[attr-defined]


CHART_PAGES = ("/", "/explore?table=party%2Bquarter", "/explore?table=party%2Bsanction_band",
               "/parties/lantern")  # fmt: skip
TEXTS = """Array.from(document.querySelectorAll('text'))
  .filter(t => t.textContent.trim() && t.getClientRects().length
          && !t.closest('.tooltip') && getComputedStyle(t).visibility !== 'hidden'
          && getComputedStyle(t).display !== 'none')
  .map(t => { const r = t.getBoundingClientRect();
              return {text: t.textContent.trim(), size: parseFloat(getComputedStyle(t).fontSize),
                      x: r.left, y: r.top, w: r.width, h: r.height}; })"""


@pytest.mark.parametrize("width", [390, 1280])
async def test_charts_are_readable_on_a_phone_and_a_desktop(
    browser: object, live_server: str, width: int
) -> None:
    """Issue 22: every chart's text is at least 12 px on screen, no two labels overlap, at
    most 8 series, each with its own colour; a phone gets a chart drawn for its width."""
    checked = 0
    for path in CHART_PAGES:
        page, seen = await _open(browser, live_server, path, width)
        _local(seen)
        shown = await page.evaluate(  # type: ignore[attr-defined]
            """Array.from(document.querySelectorAll('figure.chart img')).map(i => (
                 {src: i.currentSrc, shown: i.getBoundingClientRect().width,
                  natural: i.naturalWidth}))"""
        )
        await page.close()  # type: ignore[attr-defined]
        for chart in shown:
            scale = chart["shown"] / chart["natural"]
            svg = await browser.new_page(  # type: ignore[attr-defined]
                viewport={"width": chart["natural"], "height": 2000}
            )
            await svg.goto(chart["src"])
            texts = await svg.evaluate(TEXTS)
            series = await svg.evaluate(  # per series (serie-N), how its first mark looks
                """Object.values(Array.from(document.querySelectorAll('.plot .series'))
                     .reduce((found, g) => {
                        const n = Array.from(g.classList).find(c => c.startsWith('serie-'));
                        const mark = g.querySelector('path.line, rect, path');
                        if (n && mark && !(n in found)) {
                          const style = getComputedStyle(mark);
                          found[n] = style.stroke + '|' + style.fill + '|'
                                     + style.strokeDasharray;
                        }
                        return found; }, {}))"""
            )
            await svg.close()
            assert texts, chart["src"]
            small = [t for t in texts if t["size"] * scale < 12]
            assert not small, f"{chart['src']} at {width} px: text under 12 px: {small[:3]}"
            for n, a in enumerate(texts):
                for b in texts[n + 1 :]:
                    across = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
                    down = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
                    assert across <= 1 or down <= 1, (
                        f"{chart['src']} at {width} px: {a['text']!r} overlaps {b['text']!r}"
                    )
            assert len(series) <= 8, chart["src"]
            assert len(set(series)) == len(series), f"{chart['src']}: series look alike"
            if width == 390:
                assert "size=narrow" in chart["src"], "a phone gets the chart drawn for it"
            checked += 1
    assert checked >= 4
