"""Declarative base shared by every domain package's models.

The migrations own the DDL. Models mirror the tables' columns but not their foreign
keys, so a lower package's model never needs a higher package's table to be imported.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import MetaData, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def in_array(column: Any, values: Iterable[Any], item_type: Any) -> Any:
    """``column = ANY($1)`` with one array parameter: any number of values, one bind.

    ``column.in_(values)`` binds one parameter per value, and PostgreSQL's protocol takes
    at most 32,767 parameters a statement.
    """
    return column == any_(bindparam(None, list(values), type_=ARRAY(item_type)))
