"""Vendor GOV.UK Frontend (npm package, MIT licence) into the web app's static files.

Run: python scripts/vendor_govuk_frontend.py [--version 6.6.0]

Takes the package from the npm registry (`npm pack`), copies the compiled CSS and JS and the
images into src/dbv/web/static/govuk/, rewrites asset URLs to /static/govuk/assets/, and drops
the @font-face rules: the GDS Transport typeface is licensed for GOV.UK services only, so the
app uses the Frontend's fallback (Arial). The output is committed; re-run to upgrade.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

DEST = Path(__file__).resolve().parents[1] / "src" / "dbv" / "web" / "static" / "govuk"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default="6.6.0")
    version = ap.parse_args().version
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"govuk-frontend@{version}"], cwd=tmp, check=True,
                       capture_output=True)  # fmt: skip
        archive = next(Path(tmp).glob("govuk-frontend-*.tgz"))
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        pkg = Path(tmp) / "package"
        dist = pkg / "dist" / "govuk"
        if DEST.exists():
            shutil.rmtree(DEST)
        (DEST / "assets").mkdir(parents=True)
        css = (dist / "govuk-frontend.min.css").read_text("utf-8")
        css = re.sub(r"@font-face\{[^}]*\}", "", css)
        css = css.replace("url(/assets/", "url(/static/govuk/assets/")
        (DEST / "govuk-frontend.min.css").write_text(css, "utf-8")
        shutil.copy(dist / "govuk-frontend.min.js", DEST / "govuk-frontend.min.js")
        shutil.copytree(dist / "assets" / "images", DEST / "assets" / "images")
        meta = json.loads((pkg / "package.json").read_text("utf-8"))
        (DEST / "VERSION.txt").write_text(
            f"govuk-frontend {meta['version']} ({meta.get('license')}), from the npm registry; "
            "https://github.com/alphagov/govuk-frontend\n",
            "utf-8",
        )
    print(f"GOV.UK Frontend {version} vendored into {DEST}")


if __name__ == "__main__":
    main()
