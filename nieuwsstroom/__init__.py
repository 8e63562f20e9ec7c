"""nieuwsstroom: streaming enrichment of Dutch news (Kafka + Faust, Argos Translate, Wikidata).

The one import namespace of the distribution. Its sub-packages live in the
repository's top-level folders and are mapped here at install time
(`[tool.setuptools.package-dir]` in pyproject.toml), so installing nieuwsstroom
never shadows PyPI's own `stream`, `translators`, `schemas` or `deploy`:

    nieuwsstroom.stream       stream/       Faust apps, Kafka I/O, pipeline core, ops views, CLI
    nieuwsstroom.translators  translators/  Translator protocol, Argos implementation (no Kafka)
    nieuwsstroom.linkers      linkers/      Linker protocol, Wikidata knowledge base (no Kafka)
    nieuwsstroom.schemas      schemas/      JSON Schemas of every topic's value
"""

from pathlib import Path as _Path

__version__ = "0.2.0"

# In a source checkout this folder holds only this file and __main__.py; the sub-packages
# are its sibling folders. Python puts the current directory first on sys.path for
# `python -m`, so from the checkout's root this folder shadows the installed package:
# let it find its sub-packages beside it, as the installed layout does (an installed
# copy has them inside, and is left as it is).
_checkout = _Path(__file__).resolve().parent.parent
if not _Path(__file__).with_name("stream").is_dir() and (_checkout / "stream").is_dir():
    __path__.append(str(_checkout))
