"""Atomic file writing for reports: see :mod:`checker.files` (shared with baselines and the config writer)."""

from __future__ import annotations

from checker.files import atomic_write, atomic_write_text

__all__ = ["atomic_write", "atomic_write_text"]
