#!/usr/bin/env python3
"""Screenshot an HTML report in headless Chromium (for README's picture).

usage: python scripts/screenshot_report.py REPORT.html OUT.png [--click-first]
"""

from __future__ import annotations

import argparse
from pathlib import Path

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("report", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--click-first", action="store_true", help="select the first finding before the shot")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 860})
        page.goto(args.report.resolve().as_uri())
        page.wait_for_selector("[data-ready]")
        if args.click_first:
            page.keyboard.press("j")
            page.wait_for_timeout(400)
        page.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
