"""Static files as browsers should get them: content-hashed names, pre-compressed, cached for good.

`make assets` runs `python -m survey_app.core.assets` once per build: every file of static/ is copied to
the build folder under its own name and under a name carrying a hash of its content
(`vendor/plotly.min.3f2a…js`), each is compressed to .br and .gz beside it (WhiteNoise's compressor), and
`manifest.json` maps names to hashed names. At run time WhiteNoise serves that folder in front of Flask,
choosing the .br or .gz the browser accepts, and marks hashed files immutable for a year; `url_for('static',
filename=…)` yields the hashed URL. Without a build (a fresh checkout) Flask serves static/ as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import sys
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
ONE_YEAR = 365 * 24 * 3600
# Files that must keep their URL: a service worker's scope and identity come from its URL.
UNHASHED = {"js/kiosk-sw.js"}


def hashed_name(name: str, content: bytes) -> str:
    """`js/app.js` → `js/app.<12 hex of sha256>.js`."""
    digest = hashlib.sha256(content).hexdigest()[:12]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


def build(source: Path, target: Path) -> dict[str, str]:
    """Copy, hash and compress every file of `source` into `target`; return the manifest."""
    if target.exists():
        shutil.rmtree(target)
    manifest: dict[str, str] = {}
    compressor = Compressor(quiet=True)
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        if name.startswith(".") or path.suffix in (".gz", ".br"):
            continue
        content = path.read_bytes()
        names = [name] if name in UNHASHED else [name, hashed_name(name, content)]
        first = target / names[0]
        first.parent.mkdir(parents=True, exist_ok=True)
        first.write_bytes(content)
        packed = compressor.compress(str(first)) if compressor.should_compress(first.name) else []
        for other in names[1:]:  # the same bytes under the hashed name: copy, do not compress twice
            shutil.copyfile(first, target / other)
            for each in packed:
                shutil.copyfile(each, f"{target / other}{Path(each).suffix}")
        manifest[name] = names[-1]
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    log.info("static files built: %d files into %s", len(manifest), target)
    return manifest


def is_hashed(_path: str, url: str) -> bool:
    """Whether WhiteNoise may tell browsers to keep a file for good (its name changes with its content)."""
    return bool(HASHED.search(url))


def init_app(app: Flask) -> None:
    """Serve the built static files through WhiteNoise and build hashed URLs, if a build exists."""
    folder = Path(app.config["STATIC_BUILD_DIR"])
    manifest_file = folder / MANIFEST
    if not manifest_file.exists():
        log.warning("no static build in %s (run `make assets`): static files served uncompressed", folder)
        return
    manifest: dict[str, str] = json.loads(manifest_file.read_text())
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(folder),
        prefix=app.static_url_path,
        max_age=60,
        immutable_file_test=is_hashed,
    )
    app.extensions["static_manifest"] = manifest

    @app.url_defaults
    def hashed_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.get(values["filename"], values["filename"])


if __name__ == "__main__":  # python -m survey_app.core.assets SOURCE TARGET
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    build(Path(sys.argv[1]), Path(sys.argv[2]))
