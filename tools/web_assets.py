"""The local front-end assets of the slides and handouts: reveal.js and MathJax.

Both come from npm at the exact versions in package.json (package-lock.json
pins them, `make assets` runs `npm ci`) and are copied next to the built pages,
into ``<out>/assets/``, so every page loads them by a relative URL: the slides
and handouts work from a USB stick, from ``file://`` and with the network off.
Only the files the pages use are copied (about 2 MB), with the licences.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
PACKAGE_JSON = ROOT / "package.json"
STATIC_DIR = Path(__file__).resolve().parent / "templates" / "static"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
ASSETS = "assets"  # the folder beside the pages, and the pages' relative URL

# package -> files and folders to copy, relative to the package folder.
_FILES = {
    "mathjax": [
        "LICENSE",
        "es5/tex-chtml-full.js",
        "es5/output/chtml/fonts/woff-v2",
    ],
    "reveal.js": [
        "LICENSE",
        "dist/reset.css",
        "dist/reveal.css",
        "dist/reveal.js",
        "dist/theme/white.css",
        "dist/theme/fonts/source-sans-pro",
        "plugin/notes/notes.js",
    ],
}


class AssetsError(Exception):
    """The local assets are missing or not the pinned versions."""


def pinned_versions(package_json: Path = PACKAGE_JSON) -> dict[str, str]:
    """Return package -> exact version from package.json's dependencies."""
    return json.loads(package_json.read_text(encoding="utf-8"))["dependencies"]


def check_installed(node_modules: Path = NODE_MODULES) -> None:
    """Raise AssetsError unless every package is installed at its pinned version."""
    for package, version in pinned_versions().items():
        manifest = node_modules / package / "package.json"
        if not manifest.is_file():
            raise AssetsError(
                f"{package} is not installed in {node_modules}: run `make assets` "
                "(npm ci, from the npm registry)"
            )
        installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if installed != version:
            raise AssetsError(
                f"{package} {installed} is installed but package.json pins {version}: "
                "run `make assets`"
            )


def copy_assets(
    out_dir: Path,
    stylesheet: str,
    packages: tuple[str, ...] = ("mathjax", "reveal.js"),
    node_modules: Path = NODE_MODULES,
) -> Path:
    """Copy MathJax and/or reveal.js and one stylesheet into ``out_dir/assets``.

    Args:
        out_dir: the folder of the built pages.
        stylesheet: the file in tools/templates/static/ to copy beside them
            (``slides.css`` or ``handout.css``).
        packages: which of the npm packages the pages load.
        node_modules: where `npm ci` installed the packages.

    Returns:
        The assets folder (replaced as a whole, so no stale file stays).

    Raises:
        AssetsError: a package is missing or not the pinned version.
    """
    check_installed(node_modules)
    target = Path(out_dir) / ASSETS
    staging = Path(out_dir) / f".{ASSETS}-new"
    shutil.rmtree(staging, ignore_errors=True)
    for package in packages:
        for relative in _FILES[package]:
            source = node_modules / package / relative
            destination = (
                staging / package.removesuffix(".js") / relative.removeprefix("es5/")
            )
            destination.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, destination)
            else:
                shutil.copy2(source, destination)
    shutil.copy2(STATIC_DIR / stylesheet, staging / stylesheet)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


# --------------------------------------------------------------------------
# No page may load anything from another host
# --------------------------------------------------------------------------

_URL = re.compile(r"""^(?:https?:)?//([^/\s"'<>)]+)""", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"""https?://[^\s"'<>)`]+""", re.IGNORECASE)
_CSS_URL = re.compile(
    r"""(?:url\(\s*|@import\s+(?!url\())["']?([^"')\s;]+)""", re.IGNORECASE
)
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# Attributes that make a browser fetch something (a plain <a href> does not).
_FETCHING = {"src", "srcset", "poster", "data", "background"}
_FETCHING_LINKS = {
    "stylesheet",
    "icon",
    "preload",
    "modulepreload",
    "prefetch",
    "manifest",
}


def _remote(url: str) -> str | None:
    """Return the host if ``url`` points to a non-local host, else None."""
    match = _URL.match(url.strip())
    if not match:
        return None
    host = match.group(1).split("@")[-1]
    if not host.startswith("["):
        host = host.split(":")[0]
    elif "]:" in host:
        host = host.split("]:")[0] + "]"
    return None if host.lower() in _LOCAL_HOSTS else url.strip()


class _Fetches(HTMLParser):
    """Collects every URL an HTML page would make the browser fetch."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name in _FETCHING:
                self.urls += [
                    part.split()[0] for part in value.split(",") if part.strip()
                ]
            elif name == "style":
                self.urls += _CSS_URL.findall(value)
        rel = set(values.get("rel", "").lower().split())
        if tag == "link" and rel & _FETCHING_LINKS and "href" in values:
            self.urls.append(values["href"])
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.urls += _CSS_URL.findall(data)
        elif self._in == "script":  # any absolute URL in code may be fetched
            self.urls += _SCRIPT_URL.findall(data)


def remote_references(page: str) -> list[str]:
    """Return every URL in an HTML page that would load from a non-local host.

    Checks what makes a browser fetch: ``src``/``srcset``/``poster``/``data``
    attributes, ``<link rel=stylesheet|icon|preload…>``, CSS ``url()`` and
    ``@import`` in ``<style>`` and ``style=``, and absolute URLs inside inline
    ``<script>`` code. Ordinary ``<a href>`` links are not fetches (a page may
    cite a web page) and are not reported.
    """
    parser = _Fetches()
    parser.feed(page)
    parser.close()
    return [url for url in parser.urls if _remote(url)]


def offline_problems(folder: Path) -> list[str]:
    """Return "file: url" for every remote fetch in the HTML and CSS under folder."""
    problems = []
    for path in sorted(Path(folder).rglob("*")):
        if path.suffix == ".html":
            urls = remote_references(path.read_text(encoding="utf-8"))
        elif path.suffix == ".css":
            css = path.read_text(encoding="utf-8")
            urls = [url for url in _CSS_URL.findall(css) if _remote(url)]
        else:
            continue
        problems += [f"{path.relative_to(folder)}: {url}" for url in urls]
    return problems


def publish(
    out_dir: Path,
    files: list[tuple[str, str]],
    *,
    pages: str,
    stylesheet: str,
    packages: tuple[str, ...],
    error: type[Exception],
) -> list[Path]:
    """Write pages and their assets aside, check they fetch nothing remote, swap in.

    Args:
        out_dir: the folder to publish into (e.g. build/html).
        files: ``(file name, HTML)`` pairs.
        pages: a glob of the built pages in out_dir; old ones no longer in
            ``files`` are deleted (a notebook that was removed).
        stylesheet, packages: as for :func:`copy_assets`.
        error: the exception to raise when a page would load from another host.

    Returns:
        The written pages, in the order of ``files``.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{out_dir.name}-build-", dir=out_dir.parent)
    )
    try:
        for name, text in files:
            (staging / name).write_text(text, encoding="utf-8")
        copy_assets(staging, stylesheet, packages=packages)
        remote = offline_problems(staging)
        if remote:
            raise error("pages would load from another host: " + "; ".join(remote))
        out_dir.mkdir(exist_ok=True)
        names = {name for name, _ in files}
        for stale in out_dir.glob(pages):
            if stale.name not in names:
                stale.unlink()
        shutil.rmtree(out_dir / ASSETS, ignore_errors=True)
        os.replace(staging / ASSETS, out_dir / ASSETS)
        for name in names:
            os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name, _ in files]


def build_cli(
    build: Callable[[Path, Path], list[Path]],
    argv: Sequence[str] | None,
    *,
    notebooks: Path,
    out: Path,
    errors: tuple[type[Exception], ...],
    what: str,
) -> int:
    """The command line of ``make html`` and ``make slides``: build, then report.

    Args:
        build: ``build(notebooks_dir, out_dir)``, returning the written pages
            (the index first).
        argv: the arguments (default: ``sys.argv``).
        notebooks, out: the default folders.
        errors: the build's own errors, printed as one line (exit code 1).
        what: what the pages are, for the summary ("pages", "decks").
    """
    name = build.__name__
    parser = argparse.ArgumentParser(prog=f"python -m tools.{name}")
    parser.add_argument("--notebooks", type=Path, default=notebooks)
    parser.add_argument("--out", type=Path, default=out)
    args = parser.parse_args(argv)
    try:
        written = build(args.notebooks, args.out)
    except (*errors, AssetsError) as exc:
        print(f"{name}: error: {exc}", file=sys.stderr)
        return 1
    print(f"{name}: {len(written) - 1} {what} and index.html in {args.out}")
    return 0
