"""Every table of the schema is either limited by the district wall or named outside it, with a reason.

Read from the models' metadata, so a table added tomorrow fails here until someone decides which side it is on.
"""

from crm.access.tenancy import scoped_models
from crm.access.wall_tables import OUTSIDE_THE_WALL
from crm.extensions import db
from crm.models import Team


def test_every_table_is_on_one_side_of_the_wall() -> None:
    tables = {table.name for table in db.metadata.sorted_tables}
    limited = {table.name for table in scoped_models()}
    outside = set(OUTSIDE_THE_WALL)
    assert len(tables) > 20
    assert limited & outside == set()
    assert tables - limited - outside == set()  # a new table: add it to LIMITS or to OUTSIDE_THE_WALL
    assert outside - tables == set()  # no reason kept for a table that is gone


def test_a_table_referring_to_a_limited_one_is_limited_unless_it_only_links_them() -> None:
    limited = set(scoped_models())
    for table in db.metadata.sorted_tables:
        refers = {key.column.table for key in table.foreign_keys} & limited
        if refers and table not in limited:
            why = OUTSIDE_THE_WALL[table.name]
            assert "link" in why or "user's own" in why, table.name


def test_the_team_table_is_limited_by_its_own_district() -> None:
    assert scoped_models()[Team.__table__] is Team
