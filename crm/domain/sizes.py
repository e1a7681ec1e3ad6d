"""The size bands of signed projects (亿元以上, 10亿元以上 …): total investment at or above a floor, inclusive.

DESIGN "Money and units": the floors are in 亿元; the filters' buckets, the ranking's and the lists' totals and the
chart's bands all derive from them.
"""

from __future__ import annotations

from ..web.i18n import lazy_gettext as _l
from .money import YUAN_PER_YI

SIZE_FLOORS_YI = (1, 10, 30, 50, 100)
# key (the floor in 亿元, as the filters' query strings carry it): (floor in yuan, inclusive; label)
SIZE_BUCKETS: dict[str, tuple[int, object]] = {
    str(floor): (floor * YUAN_PER_YI, label) for floor, label in zip(SIZE_FLOORS_YI, (
        _l("亿元以上"), _l("10亿元以上"), _l("30亿元以上"), _l("50亿元以上"), _l("100亿元以上")), strict=True)}
# The same floors as bands in 亿元: lower bound included, upper excluded (None: no upper bound).
SIZE_BANDS: tuple[tuple[int, int | None], ...] = tuple(zip(SIZE_FLOORS_YI, (*SIZE_FLOORS_YI[1:], None), strict=True))


def is_yi(yuan: int) -> bool:
    """Whether an amount makes a project of 1亿元 or more (亿元以上, inclusive)."""
    return yuan >= YUAN_PER_YI
