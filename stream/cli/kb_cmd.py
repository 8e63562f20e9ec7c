"""`nieuwsstroom kb`: build, refresh, inspect the offline Wikidata knowledge base.

The linker package does the work; this module only maps flags and settings to
it. Heavy imports stay inside command bodies so `nieuwsstroom --help` is fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nieuwsstroom.stream.cli.errors import CliError
from nieuwsstroom.stream.cli.help_format import Command, Group

kb_app = typer.Typer(
    cls=Group,
    name="kb",
    help="Offline Wikidata knowledge base: build, refresh, stats, lookup.",
    no_args_is_help=True,
)


def default_kb_path() -> Path:
    """NIEUWSSTROOM_KB_PATH, else the seed KB in the cache directory (built on first use)."""
    from nieuwsstroom.stream.components import kb_path_from_settings
    from nieuwsstroom.stream.settings import Settings

    return kb_path_from_settings(Settings())


KbOption = Annotated[
    Path | None,
    typer.Option(
        "--kb",
        metavar="FILE",
        help="Knowledge base file (default: NIEUWSSTROOM_KB_PATH or the seed KB).",
    ),
]


@kb_app.command("build", cls=Command)
def build(
    from_dump: Annotated[
        Path | None,
        typer.Option(
            "--from-dump",
            metavar="FILE",
            exists=True,
            dir_okay=False,
            help="Wikidata JSON dump (.json, .json.gz, .json.bz2), one entity per line.",
        ),
    ] = None,
    seed: Annotated[bool, typer.Option("--seed", help="Include the bundled seed data.")] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Output SQLite file (default: the KB path)."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", metavar="N", min=1, help="Stop after this many dump entities."),
    ] = None,
) -> None:
    """Build a knowledge base from the seed and/or a Wikidata dump.

    With neither --seed nor --from-dump, the bundled seed alone.
    """
    import time

    from nieuwsstroom.linkers.dump import import_dump
    from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
    from nieuwsstroom.linkers.seed import build_seed_kb
    from nieuwsstroom.stream.settings import Settings

    settings = Settings()
    target = out or settings.kb_path or settings.cache_dir / "kb" / "seed.sqlite"
    use_seed = seed or from_dump is None
    started = time.monotonic()
    if use_seed:
        build_seed_kb(target)
    elif target.exists():
        raise CliError(
            f"{target} exists; pass --seed to start from the seed or choose another --out"
        )
    with KnowledgeBase(target, create=True) as kb:
        if from_dump is not None:
            summary = import_dump(kb, from_dump, limit=limit)
            typer.echo(
                f"dump: {summary.lines} entities read, {summary.entities} kept, "
                f"{summary.skipped} off-topic, {summary.errors} malformed lines, "
                f"{summary.aliases} aliases",
                err=True,
            )
            parts = (["seed"] if use_seed else []) + [f"dump {from_dump.name}"]
            kb.finish_build(" + ".join(parts))
        counts = kb.counts()
    typer.echo(
        f"built {target}: {counts['entities']} entities, {counts['aliases']} aliases "
        f"in {time.monotonic() - started:.1f}s"
    )


@kb_app.command("refresh", cls=Command)
def refresh(
    qids: Annotated[list[str], typer.Argument(help="Wikidata QIDs, e.g. Q1899 Q7747.")],
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            metavar="URL",
            help="Wikidata API URL (default: NIEUWSSTROOM_WIKIDATA_API_URL).",
        ),
    ] = None,
    kb_path: KbOption = None,
) -> None:
    """Fetch entities by QID from Wikidata into the knowledge base."""
    from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
    from nieuwsstroom.linkers.wikidata_client import WikidataOnline
    from nieuwsstroom.stream.settings import Settings

    bad = [q for q in qids if not (q[:1] in "Qq" and q[1:].isdigit())]
    if bad:
        raise CliError(f"Expected QIDs like Q1899, got {bad}")
    online = WikidataOnline(api_url or Settings().wikidata_api_url)
    with KnowledgeBase(kb_path or default_kb_path()) as kb:
        stored = online.refresh(kb, [q.upper() for q in qids])
    typer.echo(f"refreshed {len(stored)}: {' '.join(stored)}")


@kb_app.command("stats", cls=Command)
def stats(kb_path: KbOption = None) -> None:
    """Counts and provenance of the knowledge base."""
    import orjson

    from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase

    with KnowledgeBase(kb_path or default_kb_path()) as kb:
        data = {**kb.provenance, "counts": kb.counts()}
    typer.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())


@kb_app.command("lookup", cls=Command)
def lookup(
    name: Annotated[str, typer.Argument(help="A name as written, e.g. 'Kyiv' or 'Poetin'.")],
    kb_path: KbOption = None,
    online: Annotated[
        bool, typer.Option("--online", help="If unknown, search Wikidata and store the hits.")
    ] = False,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            metavar="URL",
            help="Wikidata API URL (default: NIEUWSSTROOM_WIKIDATA_API_URL).",
        ),
    ] = None,
) -> None:
    """Entities known under NAME (case and accents ignored)."""
    import orjson

    from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase

    with KnowledgeBase(kb_path or default_kb_path()) as kb:
        aliases = kb.lookup(name)
        if not aliases and online:
            from nieuwsstroom.linkers.wikidata_client import WikidataOnline
            from nieuwsstroom.stream.settings import Settings

            WikidataOnline(api_url or Settings().wikidata_api_url).lookup_name(kb, name)
            aliases = kb.lookup(name)
        entities = kb.entities(a.qid for a in aliases)
    rows = []
    for qid in dict.fromkeys(a.qid for a in aliases):
        ent = entities[qid]
        rows.append(
            {
                "qid": qid,
                "label": ent.label,
                "type": ent.type,
                "description": ent.description,
                "prior": round(ent.prior, 3),
                "country": ent.country,
                "via": sorted(
                    {f"{a.alias} ({a.lang}, {a.source})" for a in aliases if a.qid == qid}
                ),
            }
        )
    typer.echo(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
    if not rows:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the `kb` group to the root app."""
    app.add_typer(kb_app, name="kb")
