"""Term constraints through real Argos/CTranslate2 inference with the bundled test model.

The bundled model (1.x) was never trained for names: it mangles "Poetin" and
"Istanboel". So these tests exercise exactly what an official Argos model
needs: the name written into the source, the check, each repair on its own,
and the splice that never loses the rest of the sentence.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from nieuwsstroom.translators.argos import ArgosTranslator
from nieuwsstroom.translators.constrained import ConstrainedTranslator
from nieuwsstroom.translators.models import ResolvedModel, resolve_model
from nieuwsstroom.translators.term_sources import fit_fragment, plan_splice
from nieuwsstroom.translators.terms import TermConstraint, TermTranslation

pytestmark = pytest.mark.slow


def _terms(sentence: str, names: dict[str, str]) -> list[TermConstraint]:
    out = []
    for source, target in names.items():
        start = sentence.index(source)
        out.append(TermConstraint(start, start + len(source), target))
    return out


SENTENCES = [
    "Poetin sprak dinsdag in Istanboel met Erdogan over de oorlog in Oekraïne.",
    "De haven van Rotterdam en de haven van Antwerpen werken samen.",
    "Premier Rutte reisde naar Brussel voor een top van de Europese Unie.",
    "De trein tussen Parijs en Londen reed woensdag niet door een staking.",
]
NAMES = [
    {"Poetin": "Putin", "Istanboel": "Istanbul", "Erdogan": "Erdogan", "Oekraïne": "Ukraine"},
    {"Rotterdam": "Rotterdam", "Antwerpen": "Antwerp"},
    {"Rutte": "Rutte", "Brussel": "Brussels", "Europese Unie": "European Union"},
    {"Parijs": "Paris", "Londen": "London"},
]
CONSTRAINTS = [_terms(s, n) for s, n in zip(SENTENCES, NAMES, strict=True)]


@pytest.fixture(scope="module")
def resolved(real_model_archive: Path, real_packages_dir: Path) -> ResolvedModel:
    return resolve_model(
        model_path=real_model_archive, allow_test_model=True, packages_dir=real_packages_dir
    )


@pytest.fixture(scope="module")
def argos(resolved: ResolvedModel) -> ArgosTranslator:
    return ArgosTranslator(resolved, threads=2, beam_size=4, compute_type="float32")


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def _assert_exact(results: list[TermTranslation], constraints=CONSTRAINTS) -> None:
    for result, cons in zip(results, constraints, strict=True):
        for c, p in zip(cons, result.placed, strict=True):
            if p is not None:
                assert result.text[p.start : p.end] == c.target, (result, c)


def test_every_name_is_rendered_and_the_rest_of_the_sentence_is_kept(argos) -> None:
    plain = argos.translate_batch(SENTENCES)
    assert not any("Putin" in p or "Antwerp " in p for p in plain)  # the model alone: mangled
    results = ConstrainedTranslator(argos).translate_terms(SENTENCES, CONSTRAINTS)
    _assert_exact(results)
    for result, cons, before in zip(results, CONSTRAINTS, plain, strict=True):
        assert all(p is not None for p in result.placed), result
        rest = result.text
        for c in cons:
            rest = rest.replace(c.target, " ")
        # Besides the names, the sentence still says about as much as the plain translation.
        assert len(_words(rest)) >= 0.5 * (len(_words(before)) - len(cons)), (result, before)


def test_without_constraints_the_output_is_the_plain_translation(argos) -> None:
    results = ConstrainedTranslator(argos).translate_terms(SENTENCES, [[] for _ in SENTENCES])
    assert [r.text for r in results] == argos.translate_batch(SENTENCES)
    assert all(r.placed == () for r in results)


def test_the_splice_fallback_places_every_name_and_keeps_every_fragment(argos) -> None:
    """Repairs off, source kept: this model never writes "Putin" for "Poetin", so the
    last resort runs, and every fragment's own translation is in the output."""
    spliced = ConstrainedTranslator(argos, rewrite="keep", repairs=())
    results = spliced.translate_terms(SENTENCES[:1], CONSTRAINTS[:1])
    _assert_exact(results, CONSTRAINTS[:1])
    [result] = results
    assert [p.how for p in result.placed if p is not None] == ["splice"] * 4
    plan = plan_splice(SENTENCES[0], CONSTRAINTS[0])
    fragments = [core for _, core, _, translate in plan.pieces if translate]
    alone = argos.translate_batch(fragments)
    for fragment, english in zip(fragments, alone, strict=True):
        assert fit_fragment(fragment, english) in result.text


def test_a_text_that_is_only_a_name_becomes_the_name(argos) -> None:
    spliced = ConstrainedTranslator(argos, rewrite="keep", repairs=())
    [name, compound] = spliced.translate_terms(
        ["Istanboel", "NAVO-top"],
        [[TermConstraint(0, 9, "Istanbul")], [TermConstraint(0, 4, "NATO")]],
    )
    assert name.text == "Istanbul" and name.placed[0].start == 0
    assert compound.text.startswith("NATO") and compound.placed[0].end == 4


@pytest.mark.parametrize("repair", ["attention", "prefix"])
def test_each_repair_alone_places_names_where_attention_puts_them(argos, repair) -> None:
    alone = ConstrainedTranslator(argos, rewrite="keep", repairs=(repair,), splice=False)
    results = alone.translate_terms(SENTENCES, CONSTRAINTS)
    _assert_exact(results)
    hows = [p.how for r in results for p in r.placed if p is not None]
    assert hows.count(repair) >= len(hows) // 2, hows  # most names are placed by this repair


def test_a_name_in_an_over_long_sentence_is_placed_in_its_piece(argos) -> None:
    filler = ", en daarna vergaderde de commissie opnieuw over de begroting" * 8
    sentence = f"Poetin sprak in Istanboel{filler} en in Antwerpen."
    cons = _terms(sentence, {"Poetin": "Putin", "Istanboel": "Istanbul", "Antwerpen": "Antwerp"})
    assert len(argos.encode(sentence)) > argos.max_input_tokens
    [result] = ConstrainedTranslator(argos).translate_terms([sentence], [cons])
    _assert_exact([result], [cons])
    assert all(p is not None for p in result.placed)


def test_a_package_that_declares_tags_gets_inline_tags_and_still_the_check(
    real_model_archive: Path, tmp_path: Path
) -> None:
    """The test model 1.x with `terminology_tags` added to its metadata: the translator
    writes the tags, the model does not know them, and the check and fallback still
    render every name with no tag symbol left in the English."""
    tagged = tmp_path / "tagged.argosmodel"
    with zipfile.ZipFile(real_model_archive) as src, zipfile.ZipFile(tagged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("/metadata.json"):
                meta = json.loads(data)
                meta["terminology_tags"] = {
                    "source": "__source__",
                    "target": "__target__",
                    "done": "__done__",
                }
                data = json.dumps(meta).encode()
            dst.writestr(info, data)
    packages = tmp_path / "packages"
    resolved = resolve_model(model_path=tagged, allow_test_model=True, packages_dir=packages)
    argos = ArgosTranslator(resolved, threads=2, beam_size=4, compute_type="float32")
    translator = ConstrainedTranslator(argos)
    assert argos.terminology_tags is not None
    assert translator.provenance["terms"]["source_form"] == "inline-tags"
    results = translator.translate_terms(SENTENCES, CONSTRAINTS)
    _assert_exact(results)
    for result in results:
        assert all(p is not None for p in result.placed)
        assert "__" not in result.text, result.text
    shutil.rmtree(packages, ignore_errors=True)
