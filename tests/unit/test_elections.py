"""Election periods from codes/elections.yaml: six weeks up to each polling day."""

from datetime import date

from codes import elections


def test_periods_end_on_polling_day_and_last_six_weeks() -> None:
    periods = elections.periods()
    assert periods and all((p.polling_day - p.start).days == 41 for p in periods)
    local_2026 = next(p for p in periods if p.polling_day == date(2026, 5, 7))
    assert local_2026.kind == "local" and local_2026.start == date(2026, 3, 27)
    assert [p.polling_day for p in periods] == sorted(p.polling_day for p in periods)
