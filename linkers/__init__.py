"""Entity linking of Dutch news text to Wikidata (no Kafka, no Faust in here).

Entry points: `build_linker(kb_path, threshold)` -> a `Linker`, and
`linkers.seed.ensure_seed_kb(cache_dir)` -> path of the cached seed KB.
"""

from nieuwsstroom.linkers.base import Document, Entity, Linker, Mention
from nieuwsstroom.linkers.errors import LinkerError
from nieuwsstroom.linkers.factory import build_linker

__all__ = ["Document", "Entity", "Linker", "LinkerError", "Mention", "build_linker"]
