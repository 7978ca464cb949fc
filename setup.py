"""Build of the compiled extraction walk (``linkatlas.extract._walk``); metadata is in
pyproject.toml.

The walk reads Lexbor's node structs through selectolax's ``lexbor.pxd``, which needs Lexbor's
C headers at compile time. The selectolax wheel does not ship them, so the build fetches the
pinned selectolax sdist from PyPI once (checked against its SHA-256) into ``build/`` and reads
the vendored headers there. Nothing fetched is committed. ``LINKATLAS_LEXBOR_INCLUDE`` points at
an existing ``lexbor/source`` folder instead (offline builds).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import urllib.request
from pathlib import Path

from setuptools import Extension, setup

ROOT = Path(__file__).resolve().parent
SDIST = "selectolax-1.0.2"  # must match the selectolax pin: the struct layout is read as-is
SDIST_URL = (
    "https://files.pythonhosted.org/packages/3a/24/1a8b1b1a7cc8734b626327badccb4fd0f6c745a8"
    "cfd1b625923b5f07dd84/selectolax-1.0.2.tar.gz"
)
SDIST_SHA256 = "f0508ad927aa426425d4aa7a2bb2f8b21c01412534465bd227e241d4d0a6a418"


def lexbor_headers() -> Path:
    """The ``lexbor/source`` folder of the pinned selectolax sdist, fetched when missing."""
    given = os.environ.get("LINKATLAS_LEXBOR_INCLUDE")
    if given:
        return Path(given)
    target = ROOT / "build" / SDIST / "lexbor" / "source"
    if (target / "lexbor" / "dom" / "interfaces" / "element.h").exists():
        return target
    archive = ROOT / "build" / f"{SDIST}.tar.gz"
    archive.parent.mkdir(parents=True, exist_ok=True)
    if not archive.exists():
        partial = archive.with_suffix(".part")
        with urllib.request.urlopen(SDIST_URL, timeout=120) as response, partial.open("wb") as f:
            shutil.copyfileobj(response, f)
        partial.replace(archive)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        archive.unlink()
        raise RuntimeError(f"{SDIST}.tar.gz: SHA-256 {digest}, expected {SDIST_SHA256}")
    prefix = f"{SDIST}/lexbor/source/"
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers()
                   if m.name.startswith(prefix) and m.name.endswith(".h")]
        tar.extractall(ROOT / "build", members=members, filter="data")
    return target


def extensions() -> list[Extension]:
    """The Cython extension, cythonized against the installed selectolax's lexbor.pxd."""
    from Cython.Build import cythonize

    ext = Extension(
        "linkatlas.extract._walk",
        ["src/linkatlas/extract/_walk.pyx"],
        depends=sorted(str(p.relative_to(ROOT))
                       for p in (ROOT / "src/linkatlas/extract").glob("_walk_*.pxi")),
        include_dirs=[str(lexbor_headers())],
        extra_compile_args=["-O2", "-Wno-unused-function", "-Wno-unused-variable"],
    )
    return cythonize([ext], language_level=3, quiet=True)


setup(ext_modules=extensions())
