"""The explorer's questions: any GET parameters give a question, its URL gives it back,
and a question a table answers names exactly that table's dimensions."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st

from publication.statistics import TABLES
from website.explore import BREAKDOWNS, Question

KEYS = st.sampled_from(["by", "and_by", "party", "period", "view", "other"])
VALUES = st.one_of(
    st.sampled_from([d.value for d in BREAKDOWNS]),
    st.sampled_from(["", "each", "lantern", "year", "quarter", "2025", "0000", "99999"]),
    st.text(max_size=120),
)


@settings(deadline=None)  # the first example loads the code files
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_any_parameters_give_a_question_that_its_url_gives_back(params: dict[str, str]) -> None:
    question = Question.from_params(params)
    again = Question.from_params(dict(parse_qsl(question.query_string())))
    assert again == question
    table = question.table
    if table is not None:
        assert set(table.dimensions) == set(question.group_by) | set(question.where)


def test_every_table_has_its_question() -> None:
    for table in TABLES:
        assert Question.for_table(table).table == table
