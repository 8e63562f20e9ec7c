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

__version__ = "0.2.0"
