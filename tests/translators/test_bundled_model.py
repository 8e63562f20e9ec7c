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
    assert meta["package_version"] == "2.1"
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
    assert [str(p.package_version) for p in installed] == ["2.1"]

    class WholeText:
        def split_sentences(self, text: str) -> list[str]:
            return [text]

    translation = translate.get_translation_from_codes("nl", "en")
    getattr(translation, "underlying", translation).sentencizer = WholeText()
    out = translation.translate("Klik op de knop om het bestand op te slaan.")
    assert "file" in out.lower()


# Fixed probes. The shipped model is weak (about 1,300 updates on 2 shared cores): the
# build's `evaluate` stage measures copy_name_accuracy=0.40 and tagged_term_accuracy=0.42
# on held-out sentences with held-out names; the shipped model gets 2 of COPY_PROBES and
# 5 of TAG_PROBES right. The thresholds sit just below that, so a model that lost the
# skill (or a translator that mangles the tags) fails.
COPY_PROBES = {
    "Tom woont in Zwolle.": ["Tom", "Zwolle"],
    "Maria Vandermeulen kocht 37 boeken in Tilburg.": ["Vandermeulen", "37", "Tilburg"],
    "De burgemeester van Rotterdam sprak met de burgemeester van Apeldoorn.": [
        "Rotterdam",
        "Apeldoorn",
    ],
    "Tom is in Groningen.": ["Tom", "Groningen"],
    "Ik woon in Deventer.": ["Deventer"],
    "Hij heeft 25 katten.": ["25"],
    "Mary en Tom gaan naar Eindhoven.": ["Mary", "Tom", "Eindhoven"],
    "In 2024 verhuisde Tom naar Utrecht.": ["2024", "Tom", "Utrecht"],
    "Kees de Vries werkt in Leeuwarden.": ["Kees", "Leeuwarden"],
    "Tom woont al 12 jaar in Haarlem.": ["Tom", "12", "Haarlem"],
}
TAG_PROBES = {
    "Tom woont in __source__ Antwerpen __target__ Antwerp __done__.": ["Antwerp"],
    "__source__ Poetin __target__ Putin __done__ is in __source__ Moskou __target__ "
    "Moscow __done__.": ["Putin", "Moscow"],
    "Ik ga morgen naar __source__ Den Haag __target__ The Hague __done__.": ["The Hague"],
    "Tom woont in __source__ Parijs __target__ Paris __done__.": ["Paris"],
    "__source__ Zelensky __target__ Zelenskyy __done__ sprak met de pers.": ["Zelenskyy"],
    "Mijn vader werkt in __source__ Keulen __target__ Cologne __done__.": ["Cologne"],
    "Ik heb __source__ VS __target__ US __done__ nooit bezocht.": ["US"],
    "Zij woont in __source__ Istanboel __target__ Istanbul __done__.": ["Istanbul"],
    "Tom en __source__ Maria __target__ Mary __done__ zijn in __source__ Brussel "
    "__target__ Brussels __done__.": ["Mary", "Brussels"],
    "Hij gaat naar __source__ Duitsland __target__ Germany __done__.": ["Germany"],
}


def _hits(argos: ArgosTranslator, probes: dict[str, list[str]]) -> list[tuple[str, str]]:
    outputs = argos.translate_batch(list(probes))
    return [
        (source, output)
        for (source, needed), output in zip(probes.items(), outputs, strict=True)
        if all(term in output for term in needed)
    ]


def test_unknown_names_and_numbers_are_copied(argos: ArgosTranslator) -> None:
    hits = _hits(argos, COPY_PROBES)
    assert len(hits) >= 2, hits
    assert ("Tom woont in Zwolle.", "Tom lives in Zwolle.") in hits


def test_tagged_terms_are_rendered_and_the_tags_are_gone(argos: ArgosTranslator) -> None:
    hits = _hits(argos, TAG_PROBES)
    assert len(hits) >= 4, hits
    assert any(source.startswith("Ik ga morgen naar") for source, _ in hits)
    for output in argos.translate_batch(list(TAG_PROBES)):
        assert not any(word in output for word in ("__", "source", "target", "done")), output


def test_a_tag_changes_what_the_model_writes(argos: ArgosTranslator) -> None:
    """The constraint, not the model's own guess: same sentence, tagged and untagged."""
    plain, tagged = argos.translate_batch(
        [
            "Ik ga morgen naar Den Haag.",
            "Ik ga morgen naar __source__ Den Haag __target__ The Hague __done__.",
        ]
    )
    assert "The Hague" in tagged
    assert "The Hague" not in plain
