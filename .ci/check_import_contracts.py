"""Check the import contracts in pyproject.toml ([tool.importlinter]) with import-linter.

import-linter (grimp) finds a package's modules by walking the folder its
root package lives in, and an editable install maps `nieuwsstroom.stream` to
`stream/` through an import hook that grimp does not see. So this script lays
the sources out as `pip install .` does, by the same `[tool.setuptools.package-dir]`
mapping, in a temporary folder, and runs `lint-imports` there.

    python .ci/check_import_contracts.py
    python .ci/check_import_contracts.py --inject nieuwsstroom/linkers/base.py="import faust"

`--inject FILE=LINE` appends LINE to FILE in the temporary copy only: the tests
use it to prove that a forbidden import makes the check fail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lay_out(target: Path) -> None:
    """Copy every package's .py files to where the installed distribution puts them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for package, folder in config["tool"]["setuptools"]["package-dir"].items():
        destination = target.joinpath(*package.split("."))
        for source in (ROOT / folder).rglob("*.py"):
            relative = source.relative_to(ROOT / folder)
            if "__pycache__" in relative.parts:
                continue
            out = destination / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inject", action="append", default=[], metavar="FILE=LINE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        lay_out(tree)
        for item in args.inject:
            relative, line = item.split("=", 1)
            with (tree / relative).open("a", encoding="utf-8") as handle:
                handle.write(f"\n{line}\n")
        command = ["lint-imports", str(ROOT / "pyproject.toml"), "--no-cache"]
        env = {**os.environ, "PYTHONPATH": str(tree)}
        return subprocess.run(command, cwd=tree, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
