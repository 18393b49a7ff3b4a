"""The explorer in a real browser: page size, generation time and time to a settled layout.

Opens ``explorer.html`` for the real curation and for synthetic ones N times larger in headless
Chromium (Debian's ``chromium``, driven by Playwright) and reads the page's own measure of the
time from its first script to the end of the physics stabilisation (``kgExplorer.settleMs``).

    python bench/bench_explorer.py --scales 1,20
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def measure(scales: list[int], work: Path) -> list[dict[str, float]]:
    """One row per scale: entities, statements, page MB, generation s, settle s."""
    from playwright.sync_api import sync_playwright

    from kg.curation import load_curation
    from kg.viz import explorer_html

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        sys.exit("chromium not found: apt-get install chromium")
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for scale in scales:
            data = None
            if scale != 1:
                data = work / f"curation-{scale}x"
                subprocess.run(
                    [sys.executable, str(HERE / "generate.py"), str(scale), str(data)],
                    check=True,
                    capture_output=True,
                )
            curation = load_curation(data)
            started = time.perf_counter()
            html = explorer_html(curation)
            generated = time.perf_counter() - started
            page_file = work / f"explorer-{scale}x.html"
            page_file.write_bytes(html)
            context = browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(page_file.as_uri())
            page.wait_for_function(
                "window.kgExplorer && window.kgExplorer.settled", timeout=600_000
            )
            rows.append(
                {
                    "scale": scale,
                    "entities": len(curation.entities),
                    "statements": len(curation.statements),
                    "mb": len(html) / 1e6,
                    "generate_s": generated,
                    "settle_s": page.evaluate("kgExplorer.settleMs") / 1000,
                }
            )
            context.close()
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,20", help="times the real curation (default 1,20)")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    with tempfile.TemporaryDirectory() as work:
        rows = measure(scales, Path(work))
    print("| scale | entities | statements | page MB | generate s | settled layout s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['scale']}x | {r['entities']:,} | {r['statements']:,} | {r['mb']:.2f}"
            f" | {r['generate_s']:.2f} | {r['settle_s']:.1f} |"
        )


if __name__ == "__main__":
    main()
