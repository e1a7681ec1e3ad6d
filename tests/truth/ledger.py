"""Every comparison of a surface's figure with the SQL's, and a verdict that names each disagreement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from .scopes import SPANS

MISSING = "(missing)"


@dataclass
class Ledger:
    """Every comparison made, by surface and figure, and those that disagreed."""

    seed: int
    pairs: set[tuple[str, str]] = field(default_factory=set)
    count: int = 0
    mismatches: list[str] = field(default_factory=list)

    def check(self, surface: str, where: str, figure: str, expected: Any, got: Any) -> None:
        self.count += 1
        self.pairs.add((surface, figure))
        if expected != got:
            self.mismatches.append(f"{surface} [{where}] {figure}: expected {expected!r}, got {got!r}")

    def check_all(self, surface: str, where: str, expected: dict[str, Any], got: dict[str, Any]) -> None:
        for figure, value in expected.items():
            self.check(surface, where, figure, value, got.get(figure, MISSING))

    def verdict(self) -> None:
        """Print what was compared; fail naming every disagreement."""
        surfaces = {surface for surface, _figure in self.pairs}
        print(f"\nseed {self.seed}: {self.count} comparisons of {len(self.pairs)} surface·figure pairs "
              f"({len(surfaces)} surfaces × their figures, over {len(SPANS)} periods); "
              f"{len(self.mismatches)} mismatches")
        if self.mismatches:
            pytest.fail(f"{len(self.mismatches)} of {self.count} figures disagree with the SQL:\n"
                        + "\n".join(self.mismatches), pytrace=False)
