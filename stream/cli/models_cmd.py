"""`nieuwsstroom models list|install`: which Argos nl->en model is installed and used.

The answer to "which model will the pipeline use?" comes from the same
resolution code the worker runs (`translators.models`), with the same settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nieuwsstroom.stream.cli.help_format import Command, Group

models_app = typer.Typer(
    cls=Group,
    name="models",
    help="Argos nl->en models: list, install a file or from the index.",
    no_args_is_help=True,
)

PackagesDir = Annotated[
    Path | None,
    typer.Option(
        "--packages-dir",
        help="Argos package directory (default: Argos's own, ARGOS_PACKAGES_DIR).",
    ),
]


@models_app.command("list", cls=Command)
def list_models(packages_dir: PackagesDir = None) -> None:
    """Show installed Argos packages and which one the pipeline will use."""
    from nieuwsstroom.stream.settings import Settings
    from nieuwsstroom.translators.models import (
        is_nl_en,
        is_test_package,
        list_installed,
        package_name,
        preview_choice,
        search_dirs,
    )

    settings = Settings()
    dirs = ", ".join(str(d) for d in search_dirs(packages_dir))
    typer.echo(f"Argos package directories: {dirs}")
    installed = list_installed(packages_dir)
    if not installed:
        typer.echo("  (no packages installed)")
    for pkg in installed:
        tags = []
        if is_nl_en(pkg):
            tags.append("nl->en")
        if is_test_package(pkg):
            tags.append("nieuwsstroom test model")
        tag_text = f"  [{', '.join(tags)}]" if tags else ""
        typer.echo(
            f"  {package_name(pkg):40} {pkg.from_code}->{pkg.to_code} "
            f"v{pkg.package_version}{tag_text}"
        )
    source, description = preview_choice(
        model_path=settings.argos_model,
        allow_test_model=settings.allow_test_model,
        packages_dir=packages_dir,
    )
    typer.echo(f"Pipeline will use: {description}")
    if source == "test":
        typer.echo(
            "WARNING: this is the small test model. Install the real one with "
            "`argospm install translate-nl_en` or `nieuwsstroom models install PATH`.",
            err=True,
        )
    if source is None:
        from nieuwsstroom.translators.errors import INSTALL_HINTS

        typer.echo(INSTALL_HINTS, err=True)
        raise typer.Exit(1)


@models_app.command("install", cls=Command)
def install(
    path: Annotated[
        Path | None, typer.Argument(metavar="PATH", help="A .argosmodel file (zip) to install.")
    ] = None,
    online: Annotated[
        bool,
        typer.Option("--online", help="Download the newest nl->en package from the Argos index."),
    ] = False,
    packages_dir: PackagesDir = None,
) -> None:
    """Install an nl->en model from a file, or --online from the Argos index."""
    from nieuwsstroom.stream.cli.errors import CliError
    from nieuwsstroom.translators.models import install_archive, install_online

    if (path is None) == (not online):
        raise CliError("give either PATH or --online (not both, not neither)")
    installed = install_online(packages_dir) if online else install_archive(path, packages_dir)
    typer.echo(f"Installed {installed}")


def register(app: typer.Typer) -> None:
    """Add the `models` command group to the root app."""
    app.add_typer(models_app, name="models")
