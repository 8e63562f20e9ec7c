"""Which Argos nl->en package the pipeline uses, and how it gets installed.

Resolution order (first match wins), so the answer is predictable and visible:

1. an explicit model (flag / NIEUWSSTROOM_ARGOS_MODEL): a `.argosmodel` file is
   installed into the Argos package directory and used; an unpacked package
   directory is used in place;
2. an installed official nl->en Argos package (any nl->en package that is not
   our test model; the highest version if there are several);
3. if allowed, the small test model bundled in `translators/models/`,
   installed on first use (re-installed only when the bundled file changes);
4. otherwise `ModelNotFoundError`, whose message says how to fix it.

Argos is imported inside functions: its settings module creates directories
when imported, which must not happen when someone merely imports this module.
The Argos package directory is `packages_dir` when given, else Argos's own
(ARGOS_PACKAGES_DIR, read by Argos at import).

Longer than the house's ~300 lines on purpose: resolving a model and installing
one share the nl->en, version and package-directory rules, and resolution installs
on demand (the bundled test model, an explicit archive), so two modules would
import each other.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from nieuwsstroom.translators.errors import (
    InvalidModelError,
    ModelNotFoundError,
    OnlineInstallError,
)

if TYPE_CHECKING:
    from argostranslate.package import Package

FROM_CODE = "nl"
TO_CODE = "en"
BUNDLED_MODELS_DIR = Path(__file__).resolve().parent / "models"
TEST_MODEL_MARKER = "nieuwsstroom"
_STAMP = ".nieuwsstroom-install.json"

Source = Literal["explicit", "official", "test"]


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """The package the pipeline will use and why it was chosen."""

    package: Package
    source: Source
    is_test_model: bool

    @property
    def name(self) -> str:
        """Package code (metadata `code`) or, for packages without one, its directory name."""
        return package_name(self.package)

    @property
    def version(self) -> str:
        """The package's own version (`package_version` in metadata.json)."""
        return str(self.package.package_version or "")

    @property
    def path(self) -> Path:
        """The installed package directory."""
        return Path(self.package.package_path)

    def describe(self) -> str:
        """One human line (two for the test model) for logs, the CLI and the demo."""
        line = f"{self.name} {self.version} ({self.source}) at {self.path}"
        if self.is_test_model:
            line += (
                "\nWARNING: using the small nieuwsstroom TEST model - it translates software "
                "text OK and news badly. For real translations: argospm install translate-nl_en"
                " (or nieuwsstroom models install PATH / NIEUWSSTROOM_ARGOS_MODEL)."
            )
        return line


def package_name(pkg: Package) -> str:
    """A stable display name for an Argos package."""
    return str(getattr(pkg, "code", None) or Path(pkg.package_path).name)


def is_nl_en(pkg: Package) -> bool:
    """True for an Argos translate package from Dutch to English."""
    return (
        getattr(pkg, "type", "translate") == "translate"
        and pkg.from_code == FROM_CODE
        and pkg.to_code == TO_CODE
    )


def is_test_package(pkg: Package) -> bool:
    """True for our own small test model (its name or metadata says nieuwsstroom)."""
    meta_path = Path(pkg.package_path) / "metadata.json"
    try:
        meta_text = meta_path.read_text(encoding="utf-8")
    except OSError:
        meta_text = ""
    haystack = f"{Path(pkg.package_path).name} {getattr(pkg, 'code', '')} {meta_text}"
    return TEST_MODEL_MARKER in haystack.lower()


def default_packages_dir() -> Path:
    """Argos's package directory (honours ARGOS_PACKAGES_DIR as read at Argos import)."""
    from argostranslate import settings

    return Path(settings.package_data_dir)


def search_dirs(packages_dir: Path | None) -> list[Path]:
    """The directories scanned for installed packages."""
    if packages_dir is not None:
        return [Path(packages_dir)]
    from argostranslate import settings

    return [Path(d) for d in settings.package_dirs]


def list_installed(packages_dir: Path | None = None) -> list[Package]:
    """Every installed Argos package (any language pair), sorted by directory name.

    Unlike `argostranslate.package.get_installed_packages` this skips stray
    directories without metadata.json instead of raising.
    """
    from argostranslate.package import Package

    found: list[Package] = []
    for directory in search_dirs(packages_dir):
        if not directory.is_dir():
            continue
        for child in sorted(directory.iterdir()):
            if child.is_dir() and (child / "metadata.json").is_file():
                try:
                    found.append(Package(child))
                except (OSError, ValueError) as exc:  # broken metadata: skip, don't crash
                    _ = exc
    return found


def _version_key(pkg: Package) -> tuple[int, object]:
    """Sort key: parseable versions by value, others first."""
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(str(pkg.package_version)))
    except InvalidVersion:
        return (0, str(pkg.package_version))


def find_official(packages_dir: Path | None = None) -> Package | None:
    """The best installed nl->en package that is not our test model, if any."""
    candidates = [p for p in list_installed(packages_dir) if is_nl_en(p) and not is_test_package(p)]
    return max(candidates, key=_version_key) if candidates else None


def bundled_test_model() -> Path | None:
    """The test model shipped in translators/models/, if present."""
    if not BUNDLED_MODELS_DIR.is_dir():
        return None
    files = sorted(BUNDLED_MODELS_DIR.glob(f"*{TEST_MODEL_MARKER}*.argosmodel"))
    return files[-1] if files else None


def _sha256(path: Path) -> str:
    """Content hash of an archive: decides whether an installed copy is stale."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inspect_archive(path: Path) -> str:
    """Validate a .argosmodel zip and return its single top-level folder name."""
    if not path.is_file():
        raise ModelNotFoundError(f"model file {path} does not exist")
    if not zipfile.is_zipfile(path):
        raise InvalidModelError(path, "not a zip archive, which every .argosmodel is")
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        tops = {n.split("/", 1)[0] for n in names if n.strip("/")}
        if len(tops) != 1:
            raise InvalidModelError(path, f"expected one top folder, found {sorted(tops)[:5]}")
        top = tops.pop()
        if f"{top}/metadata.json" not in names:
            raise InvalidModelError(path, f"no {top}/metadata.json")
        if not any(n.startswith(f"{top}/model/") for n in names):
            raise InvalidModelError(path, f"no {top}/model/ (CTranslate2 model)")
        meta = json.loads(zf.read(f"{top}/metadata.json"))
    pair = (meta.get("from_code"), meta.get("to_code"))
    if pair != (FROM_CODE, TO_CODE):
        raise InvalidModelError(path, f"expected from_code/to_code nl/en, got {pair[0]}/{pair[1]}")
    return top


def install_archive(path: Path, packages_dir: Path | None = None) -> Path:
    """Install a .argosmodel into the Argos package directory; return the package folder.

    Re-installing the same file (same content hash) is a no-op, so calling this
    at every start-up is cheap. A different file with the same folder name
    replaces the old folder instead of being mixed into it.
    """
    from argostranslate import package as argos_package

    path = Path(path).expanduser().resolve()
    top = _inspect_archive(path)
    digest = _sha256(path)
    target_root = Path(packages_dir) if packages_dir is not None else default_packages_dir()
    target = target_root / top
    stamp = target / _STAMP
    if stamp.is_file():
        try:
            if json.loads(stamp.read_text(encoding="utf-8")).get("sha256") == digest:
                return target
        except (OSError, ValueError):
            pass
    target_root.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.rmtree(target)
    if target_root.resolve() == default_packages_dir().resolve():
        argos_package.install_from_path(path)
    else:
        # Argos only installs into its own directory; unpack next to the target
        # and rename, so a reader never sees a half-extracted package.
        with argos_package.package_lock, tempfile.TemporaryDirectory(dir=target_root) as tmp:
            with zipfile.ZipFile(path) as zf:
                zf.extractall(tmp)
            (Path(tmp) / top).rename(target)
        _clear_argos_language_cache()
    stamp.write_text(json.dumps({"sha256": digest, "source": str(path)}), encoding="utf-8")
    return target


def _clear_argos_language_cache() -> None:
    """Argos caches installed languages; forget them after an install."""
    from argostranslate.translate import get_installed_languages

    get_installed_languages.cache_clear()


def _load_package(directory: Path, origin: Path) -> Package:
    """Open an installed package directory and check it is nl->en with a tokenizer."""
    from argostranslate.package import Package

    try:
        pkg = Package(directory)
    except (OSError, ValueError) as exc:
        raise InvalidModelError(origin, f"cannot read package: {exc}") from exc
    if not is_nl_en(pkg):
        raise InvalidModelError(origin, f"translates {pkg.from_code}->{pkg.to_code}, not nl->en")
    if getattr(pkg, "tokenizer", None) is None:
        raise InvalidModelError(origin, "no sentencepiece.model or bpe.model")
    return pkg


def resolve_model(
    *, model_path: Path | None, allow_test_model: bool, packages_dir: Path | None = None
) -> ResolvedModel:
    """Pick the package to use (see module docstring for the order); install if needed."""
    if model_path is not None:
        model_path = Path(model_path).expanduser()
        if model_path.is_dir():
            pkg = _load_package(model_path, model_path)
        else:
            pkg = _load_package(install_archive(model_path, packages_dir), model_path)
        return ResolvedModel(pkg, "explicit", is_test_package(pkg))

    official = find_official(packages_dir)
    if official is not None:
        where = Path(official.package_path)
        return ResolvedModel(_load_package(where, where), "official", False)

    searched = search_dirs(packages_dir)
    if not allow_test_model:
        raise ModelNotFoundError(
            "no official nl->en Argos package is installed and the bundled test model is "
            "not allowed (NIEUWSSTROOM_ALLOW_TEST_MODEL=false)",
            searched,
        )
    bundled = bundled_test_model()
    if bundled is None:
        raise ModelNotFoundError(
            f"no official nl->en Argos package is installed and no bundled test model "
            f"was found in {BUNDLED_MODELS_DIR}",
            searched,
        )
    pkg = _load_package(install_archive(bundled, packages_dir), bundled)
    return ResolvedModel(pkg, "test", True)


def install_online(packages_dir: Path | None = None) -> Path:
    """Fetch the Argos package index and install the newest nl->en package from it.

    Only called when asked (`nieuwsstroom models install --online`): the
    pipeline itself never goes online for a model.
    """
    from argostranslate import package as argos_package
    from argostranslate import settings

    argos_package.update_package_index()  # logs and returns on network errors
    if not Path(settings.local_package_index).is_file():
        raise OnlineInstallError(
            f"could not download the Argos package index from {settings.remote_package_index}"
        )
    available = [
        p
        for p in argos_package.get_available_packages()
        if p.from_code == FROM_CODE and p.to_code == TO_CODE
    ]
    if not available:
        raise OnlineInstallError("the Argos package index lists no nl->en package")
    best = max(available, key=_version_key)
    try:
        archive = Path(best.download())
    except Exception as exc:  # networking raises bare Exception
        raise OnlineInstallError(f"download of {best} failed: {exc}") from exc
    return install_archive(archive, packages_dir)


def preview_choice(
    *, model_path: Path | None, allow_test_model: bool, packages_dir: Path | None = None
) -> tuple[Source | None, str]:
    """What `resolve_model` would pick, without installing anything (for `models list`).

    Returns (source, human description); source is None when no model would be found.
    """
    if model_path is not None:
        return "explicit", f"{model_path} (given by --model / NIEUWSSTROOM_ARGOS_MODEL)"
    official = find_official(packages_dir)
    if official is not None:
        return "official", f"{package_name(official)} {official.package_version} (installed)"
    bundled = bundled_test_model() if allow_test_model else None
    if bundled is not None:
        return "test", f"bundled TEST model {bundled.name} (small; news translations are poor)"
    reason = "test model not allowed" if not allow_test_model else "no bundled test model"
    return None, f"none: no official nl->en package installed and {reason}"
