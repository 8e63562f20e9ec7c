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
    help="Offline Wikidata knowledge base: build, index, refresh, stats, lookup.",
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
        typer.Option(
            "--out",
            metavar="FILE",
            help="Knowledge base path (default: the KB path); replaced atomically.",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", metavar="N", min=1, help="Stop after this many dump entities."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Parsing processes (default: one per core)."),
    ] = None,
    classes_from: Annotated[
        Path | None,
        typer.Option(
            "--classes-from",
            exists=True,
            dir_okay=False,
            help="Reuse the class tree of a KB built from an earlier dump (skips the first pass).",
        ),
    ] = None,
    min_sitelinks: Annotated[
        int,
        typer.Option(
            "--min-sitelinks", min=0, help="Keep dump items with at least this many sitelinks."
        ),
    ] = 0,
) -> None:
    """Build a knowledge base from the seed and/or a Wikidata dump.

    With neither --seed nor --from-dump, the bundled seed alone. The new version is
    written beside FILE (with its alias index) and swapped in with one rename;
    running workers keep the version they opened.
    """
    import time

    from nieuwsstroom.linkers.dump_import import import_dump
    from nieuwsstroom.linkers.kb_files import new_version
    from nieuwsstroom.linkers.seed import SEED_SOURCE, load_common_words, write_seed
    from nieuwsstroom.stream.settings import Settings

    settings = Settings()
    target = out or settings.kb_path or settings.cache_dir / "kb" / "seed.sqlite"
    use_seed = seed or from_dump is None
    common_words = load_common_words()
    started = time.monotonic()
    parts = []
    with new_version(target) as version:
        version.bulk_mode()
        if use_seed:
            write_seed(version.kb, cache=settings.cache_dir)  # the cached seed KB, if current
            parts.append("seed")
        if from_dump is not None:
            classes = None
            if classes_from is not None:
                from nieuwsstroom.linkers.dump_classes import ClassTable
                from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase

                with KnowledgeBase(classes_from) as earlier:
                    classes = ClassTable.from_rows(earlier.classes())
                if not len(classes):
                    raise CliError(f"{classes_from} holds no class tree (not built from a dump)")
            index_target = version.index_target(common_words)
            summary = import_dump(
                version.kb,
                from_dump,
                classes,
                workers=workers,
                min_sitelinks=min_sitelinks,
                limit=limit,
                index=index_target,
            )
            if summary.index_keys is not None:
                version.record_index(index_target, summary.index_keys)
            typer.echo(
                f"dump: {summary.lines} entities read, {summary.entities} kept, "
                f"{summary.skipped} off-topic, {summary.errors} malformed lines, "
                f"{summary.aliases} aliases, {summary.classes} news classes, "
                f"{summary.entities_per_s:,.0f} entities/s",
                err=True,
            )
            phases = ", ".join(f"{name} {s:.1f}s" for name, s in summary.phases.items())
            merged = " (+ alias index)" if summary.index_keys is not None else ""
            typer.echo(f"dump phases: {phases}{merged}", err=True)
            if summary.first_error:
                typer.echo(f"first malformed line: {summary.first_error[:300]}", err=True)
            parts.append(f"dump {from_dump.name}")
            version.kb.set_meta({"dump_classes": str(summary.classes)})
        counts = version.kb.counts()
        source = SEED_SOURCE if from_dump is None else " + ".join(parts)
        version.commit(source, common_words)
    typer.echo(
        f"built {target} (version {version.build_id}): {counts['entities']} entities, "
        f"{counts['aliases']} aliases in {time.monotonic() - started:.1f}s"
    )


@kb_app.command("index", cls=Command)
def index(kb_path: KbOption = None) -> None:
    """Rewrite the alias index of a knowledge base (e.g. a copied file, or after many
    refreshes): every alias it holds then matches without being loaded into RAM."""
    from nieuwsstroom.linkers.kb_files import new_build_id, write_index
    from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
    from nieuwsstroom.linkers.seed import load_common_words

    path = kb_path or default_kb_path()
    with KnowledgeBase(path) as kb:
        base = write_index(kb, new_build_id(), load_common_words())
        keys = kb.meta().get("alias_index_keys", "?")
    typer.echo(f"indexed {path}: {keys} alias keys in {base}.*")


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
