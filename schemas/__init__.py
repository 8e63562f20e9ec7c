"""JSON Schemas of every topic's value, shipped with the package.

Consumers validate against these files; the pipeline validates raw input with
the raw schema and tests validate real output with the others.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_FILES = {
    "raw": "article_raw.schema.json",
    "enriched": "article_enriched.schema.json",
    "mention": "entity_mention.schema.json",
    "deadletter": "dead_letter.schema.json",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema of one contract (`raw`, `enriched`, `mention`, `deadletter`)."""
    if name not in SCHEMA_FILES:
        raise KeyError(f"Unknown schema {name!r}; expected one of {sorted(SCHEMA_FILES)}")
    text = resources.files(__package__).joinpath(SCHEMA_FILES[name]).read_text("utf-8")
    return json.loads(text)


@cache
def validator(name: str) -> Draft202012Validator:
    """A compiled validator for one contract (cached: building one is not free)."""
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)
