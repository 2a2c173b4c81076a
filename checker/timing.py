"""Stage timings: the seconds each stage of a run took, for ``Report.timings`` and the benchmarks."""

from __future__ import annotations

import time


class Laps:
    """Call with a stage's name when it ends: the time since the previous call is recorded under it."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._tick = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._tick, 3)
        self._tick = now
