"""`python -m nieuwsstroom` runs the same command line as the `nieuwsstroom` script."""

from nieuwsstroom.stream.cli import main

main()
