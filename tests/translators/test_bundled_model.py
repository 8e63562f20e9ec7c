"""The bundled TEST model (2.0) through real Argos and CTranslate2: what it was trained for.

Copy-through (unknown names and numbers come out as they went in) and inline
terminology tags in the OpusTrainer convention (`__source__ SRC __target__ TGT
__done__` comes out as TGT), plus the package facts a translator relies on: the
`terminology_tags` metadata key, the tags as single pieces of one shared
SentencePiece vocabulary with byte fallback, and installation by Argos itself.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import sentencepiece as spm

from nieuwsstroom.translators.argos import ArgosTranslator
from nieuwsstroom.translators.models import ResolvedModel, resolve_model

pytestmark = pytest.mark.slow

TAGS = {"source": "__source__", "target": "__target__", "done": "__done__"}


@pytest.fixture(scope="module")
def resolved(real_model_archive: Path, real_packages_dir: Path) -> ResolvedModel:
    return resolve_model(
        model_path=real_model_archive, allow_test_model=True, packages_dir=real_packages_dir
    )


@pytest.fixture(scope="module")
def argos(resolved: ResolvedModel) -> ArgosTranslator:
    return ArgosTranslator(resolved, threads=2, beam_size=4)


def _member(archive: Path, name: str) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        [path] = [n for n in zf.namelist() if n.endswith("/" + name)]
        return zf.read(path)


def test_metadata_declares_the_terminology_tags(real_model_archive: Path) -> None:
    meta = json.loads(_member(real_model_archive, "metadata.json"))
    assert meta["terminology_tags"] == TAGS
    assert meta["package_version"] == "2.0"
    assert "TEST" in meta["package_name"] + meta["description"]


def test_tags_are_single_pieces_of_one_vocabulary_with_byte_fallback(
    real_model_archive: Path, tmp_path: Path
) -> None:
    model = tmp_path / "sentencepiece.model"
    model.write_bytes(_member(real_model_archive, "sentencepiece.model"))
    sp = spm.SentencePieceProcessor(model_file=str(model))
    for tag in TAGS.values():
        assert [p for p in sp.encode(f"x {tag} y", out_type=str) if "__" in p] == [tag]
    pieces = sp.encode("Zhōu 😀", out_type=str)
    assert "<unk>" not in pieces
    assert any(p.startswith("<0x") for p in pieces)
    assert sp.decode(sp.encode("Zhōu 😀")) == "Zhōu 😀"


def test_argos_installs_the_package_and_translates_with_it(real_model_archive: Path) -> None:
    """Argos's own calls: install_from_path, then its translation object (our offline
    splitter plugged in: Argos's default one downloads a model)."""
    from argostranslate import package, translate

    package.install_from_path(real_model_archive)
    installed = [p for p in package.get_installed_packages() if p.from_code == "nl"]
    assert [str(p.package_version) for p in installed] == ["2.0"]

    class WholeText:
        def split_sentences(self, text: str) -> list[str]:
            return [text]

    translation = translate.get_translation_from_codes("nl", "en")
    getattr(translation, "underlying", translation).sentencizer = WholeText()
    out = translation.translate("Klik op de knop om het bestand op te slaan.")
    assert "file" in out.lower()


def test_unknown_names_and_numbers_are_copied(argos: ArgosTranslator) -> None:
    cases = {
        "Tom woont in Zwolle.": ["Tom", "Zwolle"],
        "Maria Vandermeulen kocht 37 boeken in Tilburg.": ["Vandermeulen", "37", "Tilburg"],
        "De burgemeester van Rotterdam sprak met de burgemeester van Apeldoorn.": [
            "Rotterdam",
            "Apeldoorn",
        ],
    }
    outputs = argos.translate_batch(list(cases))
    for (source, names), output in zip(cases.items(), outputs, strict=True):
        for name in names:
            assert name in output, f"{source!r} -> {output!r} lost {name!r}"


def test_tagged_terms_are_rendered_and_the_tags_are_gone(argos: ArgosTranslator) -> None:
    cases = {
        "Tom woont in __source__ Antwerpen __target__ Antwerp __done__.": ["Antwerp"],
        "__source__ Poetin __target__ Putin __done__ is in __source__ Moskou __target__ "
        "Moscow __done__.": ["Putin", "Moscow"],
        "Ik ga morgen naar __source__ Den Haag __target__ The Hague __done__.": ["The Hague"],
    }
    outputs = argos.translate_batch(list(cases))
    for (source, terms), output in zip(cases.items(), outputs, strict=True):
        for term in terms:
            assert term in output, f"{source!r} -> {output!r} lacks {term!r}"
        assert "source" not in output and "target" not in output and "done" not in output
