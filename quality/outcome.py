"""The result of one gate check, independent of Dagster so it can be unit-tested and reported."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_OFFENDING_ROWS = 20


@dataclass
class CheckOutcome:
    name: str
    passed: bool
    description: str
    failures: list[str] = field(default_factory=list)
    offending_rows: list[dict[str, object]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        if self.passed:
            return f"{self.name}: passed"
        return f"{self.name}: FAILED - " + "; ".join(self.failures[:5])
