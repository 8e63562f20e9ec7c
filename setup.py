"""Lists the packages of the one `nieuwsstroom.*` namespace; other metadata: pyproject.toml.

pyproject.toml maps each top-level folder to its place in the namespace
(`[tool.setuptools.package-dir]`); setuptools cannot discover sub-packages
through such a mapping by itself, so they are found here, folder by folder,
and nobody has to keep a list of them up to date. tests/test_distribution.py
builds the wheel and checks what it carries.
"""

import tomllib
from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).parent
PACKAGE_DIR = tomllib.loads((HERE / "pyproject.toml").read_text())["tool"]["setuptools"][
    "package-dir"
]

packages = []
for name, folder in PACKAGE_DIR.items():
    packages.append(name)
    # Namespace discovery, so data folders without __init__.py (demo/data, linkers/data/seed,
    # translators/models) are packaged too, with their files matched by package-data.
    subpackages = find_namespace_packages(str(HERE / folder), exclude=["*__pycache__*"])
    packages += [f"{name}.{sub}" for sub in subpackages]

setup(packages=packages)
