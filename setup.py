"""Lists the packages of the one `nieuwsstroom.*` namespace; other metadata: pyproject.toml.

pyproject.toml maps each top-level folder to its place in the namespace
(`[tool.setuptools.package-dir]`); setuptools cannot discover sub-packages
through such a mapping by itself, so they are found here, folder by folder,
and nobody has to keep a list of them up to date.
"""

import tomllib
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
PACKAGE_DIR = tomllib.loads((HERE / "pyproject.toml").read_text())["tool"]["setuptools"][
    "package-dir"
]

packages = []
for name, folder in PACKAGE_DIR.items():
    packages.append(name)
    packages += [f"{name}.{sub}" for sub in find_packages(str(HERE / folder))]

setup(packages=packages)
