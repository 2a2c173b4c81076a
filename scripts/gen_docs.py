"""Regenerate the parts of the docs that are generated from the code (tests/test_docs_sync.py fails when they drift):

* docs/decision-policy.md, between the ``rules`` markers: checker.judge's PAIR_RULES and DOCUMENT_RULES;
* docs/settings.md, between the ``settings`` markers: checker.config.Settings' fields.

    python scripts/gen_docs.py          # rewrite both files
    python scripts/gen_docs.py --check  # exit 1 if either is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def sections() -> dict[Path, tuple[str, Callable[[], str]]]:
    from checker.config import settings_table
    from checker.dispute import policy_table

    return {ROOT / "docs" / "decision-policy.md": ("rules", policy_table), ROOT / "docs" / "settings.md": ("settings", settings_table)}


def updated(text: str, name: str, body: str) -> str:
    """``text`` with the block between ``<!-- begin: name -->`` and ``<!-- end: name -->`` replaced by ``body``."""
    pattern = re.compile(rf"(<!-- begin: {name} [^\n]*-->)\n.*?(<!-- end: {name} -->)", re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"markers for {name!r} not found")
    return pattern.sub(lambda m: f"{m.group(1)}\n{body}\n{m.group(2)}", text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report files that are out of date")
    args = ap.parse_args(argv)
    stale = []
    for path, (name, make) in sections().items():
        text = path.read_text(encoding="utf-8")
        new = updated(text, name, make())
        if new != text:
            stale.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    for path in stale:
        print(f"{path.relative_to(ROOT)}: {'out of date' if args.check else 'updated'}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
