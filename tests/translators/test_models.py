"""Model resolution order, installation, and the missing-model message."""

from __future__ import annotations

from pathlib import Path

import pytest

import nieuwsstroom.translators.models as models
from nieuwsstroom.translators.errors import InvalidModelError, ModelNotFoundError
from nieuwsstroom.translators.factory import build_translator
from nieuwsstroom.translators.models import install_archive, resolve_model


@pytest.fixture
def packages(tmp_path: Path) -> Path:
    d = tmp_path / "packages"
    d.mkdir()
    return d


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argosmodel_factory) -> Path:
    """Pretend translators/models/ holds a test model."""
    archive = argosmodel_factory("translate-nl_en-nieuwsstroom_test-2.1")
    bundle_dir = tmp_path / "bundle"
    bundle_dir.mkdir()
    target = bundle_dir / archive.name
    archive.rename(target)
    monkeypatch.setattr(models, "BUNDLED_MODELS_DIR", bundle_dir)
    return target


@pytest.fixture
def no_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "BUNDLED_MODELS_DIR", tmp_path / "nothing-here")


def test_missing_model_error_says_how_to_fix(packages: Path, no_bundle: None) -> None:
    with pytest.raises(ModelNotFoundError) as err:
        resolve_model(model_path=None, allow_test_model=True, packages_dir=packages)
    message = str(err.value)
    assert "argospm install translate-nl_en" in message
    assert "nieuwsstroom models install PATH" in message
    assert "NIEUWSSTROOM_ARGOS_MODEL" in message
    assert str(packages) in message


def test_test_model_not_allowed_is_a_clear_error(packages: Path, bundled: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="NIEUWSSTROOM_ALLOW_TEST_MODEL=false"):
        resolve_model(model_path=None, allow_test_model=False, packages_dir=packages)


def test_explicit_path_that_does_not_exist(packages: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="does-not-exist.argosmodel does not exist"):
        resolve_model(
            model_path=tmp_path / "does-not-exist.argosmodel",
            allow_test_model=True,
            packages_dir=packages,
        )


def test_wrong_language_pair_is_rejected(packages: Path, argosmodel_factory) -> None:
    archive = argosmodel_factory("translate-en_de-1_0", from_code="en", to_code="de")
    with pytest.raises(InvalidModelError, match="expected from_code/to_code nl/en, got en/de"):
        resolve_model(model_path=archive, allow_test_model=True, packages_dir=packages)


def test_not_a_zip_is_rejected(packages: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.argosmodel"
    bogus.write_text("hello")
    with pytest.raises(InvalidModelError, match="not a zip archive"):
        install_archive(bogus, packages)


def test_bundled_test_model_is_installed_once_and_flagged(packages: Path, bundled: Path) -> None:
    resolved = resolve_model(model_path=None, allow_test_model=True, packages_dir=packages)
    assert resolved.source == "test"
    assert resolved.is_test_model
    assert resolved.path.parent == packages
    assert "TEST model" in resolved.describe()
    marker = resolved.path / "model" / "model.bin"
    mtime = marker.stat().st_mtime_ns
    again = resolve_model(model_path=None, allow_test_model=True, packages_dir=packages)
    assert again.path == resolved.path
    assert marker.stat().st_mtime_ns == mtime  # cached: not re-extracted


def test_official_package_is_preferred_over_test_model(
    packages: Path, bundled: Path, argosmodel_factory
) -> None:
    install_archive(argosmodel_factory("translate-nl_en-1_9", version="1.9"), packages)
    resolved = resolve_model(model_path=None, allow_test_model=True, packages_dir=packages)
    assert resolved.source == "official"
    assert not resolved.is_test_model
    assert resolved.path.name == "translate-nl_en-1_9"
    assert "TEST" not in resolved.describe()


def test_highest_official_version_wins(packages: Path, no_bundle: None, argosmodel_factory) -> None:
    install_archive(argosmodel_factory("translate-nl_en-1_2", version="1.2"), packages)
    install_archive(argosmodel_factory("translate-nl_en-1_10", version="1.10"), packages)
    resolved = resolve_model(model_path=None, allow_test_model=False, packages_dir=packages)
    assert resolved.version == "1.10"


def test_explicit_path_beats_installed_official(
    packages: Path, bundled: Path, argosmodel_factory
) -> None:
    install_archive(argosmodel_factory("translate-nl_en-1_9", version="1.9"), packages)
    explicit = argosmodel_factory("translate-nl_en-custom", version="7.0", code="nl_en_custom")
    resolved = resolve_model(model_path=explicit, allow_test_model=True, packages_dir=packages)
    assert resolved.source == "explicit"
    assert resolved.name == "nl_en_custom"
    assert (packages / "translate-nl_en-custom" / "metadata.json").is_file()


def test_explicit_unpacked_directory_is_used_in_place(
    packages: Path, tmp_path: Path, argosmodel_factory
) -> None:
    installed = install_archive(argosmodel_factory("translate-nl_en-dir"), tmp_path / "elsewhere")
    resolved = resolve_model(model_path=installed, allow_test_model=False, packages_dir=packages)
    assert resolved.source == "explicit"
    assert resolved.path == installed


def test_changed_archive_replaces_installed_copy(packages: Path, argosmodel_factory) -> None:
    first = install_archive(argosmodel_factory("translate-nl_en-x", version="1.0"), packages)
    second = install_archive(argosmodel_factory("translate-nl_en-x", version="2.0"), packages)
    assert first == second
    assert '"2.0"' in (second / "metadata.json").read_text()


def test_factory_builds_cached_translator_without_loading(packages: Path, bundled: Path) -> None:
    translator = build_translator(
        model_path=None,
        allow_test_model=True,
        threads=1,
        beam_size=2,
        cache_size=5,
        packages_dir=packages,
    )
    assert translator.provenance["test_model"] is True
    assert translator.provenance["model_source"] == "test"
    assert translator.translate_batch([]) == []  # no model load for an empty batch
    uncached = build_translator(
        model_path=None,
        allow_test_model=True,
        threads=1,
        beam_size=2,
        cache_size=0,
        packages_dir=packages,
    )
    assert type(uncached).__name__ == "ConstrainedTranslator"
    assert type(uncached.underlying).__name__ == "ArgosTranslator"
