"""`python -m stream.cli` runs the same CLI as the `nieuwsstroom` script."""

from stream.cli import main

main()
