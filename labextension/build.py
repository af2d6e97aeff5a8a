"""Build the course's JupyterLab extension into widgets/labextension/ and record what it was built from.

    python3 labextension/build.py

Needs Node.js with npm (the packages come from the npm registry, pinned by package-lock.json) and the
course's .venv (python3 course.py setup), whose jupyter-builder matches the course's JupyterLab. Commit
widgets/labextension/ afterwards: learners' machines have only Python, and course.py installs that build.
tests/test_labextension.py fails while the committed build is older than the source here.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUTPUT = ROOT / "widgets" / "labextension"  # package.json's jupyterlab.outputDir
DIGEST_FILE = OUTPUT / "source.sha256"
SOURCE = ("package.json", "package-lock.json", "tsconfig.json", "src", "style")


def source_files(folder: Path = HERE) -> list[Path]:
    files = []
    for name in SOURCE:
        path = folder / name
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return files


def source_digest(folder: Path = HERE) -> str:
    """A fingerprint of everything the build is made from (names and contents, line endings as committed)."""
    digest = hashlib.sha256()
    for path in source_files(folder):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def main() -> None:
    npm = shutil.which("npm")
    if not npm:
        sys.exit("npm is needed to build the extension (install Node.js and npm)")
    builder = ROOT / ".venv" / ("Scripts" if sys.platform == "win32" else "bin") / "jupyter-builder"
    if not builder.exists():
        sys.exit("run python3 course.py setup first: the build uses the course's own jupyter-builder")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    subprocess.run([npm, "exec", "--", "tsc"], cwd=HERE, check=True)
    subprocess.run([str(builder), "build", "."], cwd=HERE, check=True)
    DIGEST_FILE.write_text(source_digest() + "\n")
    print(f"built into {OUTPUT.relative_to(ROOT)}; commit it")


if __name__ == "__main__":
    main()
