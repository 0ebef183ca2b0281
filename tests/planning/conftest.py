import datetime as dt

import pytest

from tests.planning.published_history import make_published
from tests.planning.test_backwards import SUMS
from tests.planning.test_topdown import COMPANY, rep_actuals


@pytest.fixture
def planned_home(tmp_path):
    """A home whose published copy is the hand-made history (tests/planning/test_topdown.py)
    with the rates of tests/planning/test_backwards.py."""
    (tmp_path / "warehouse").mkdir()
    make_published(
        tmp_path / "warehouse" / "published.duckdb",
        dt.date(2026, 1, 15),
        COMPANY,
        rep_actuals(),
        sums=SUMS,
    )
    return tmp_path
