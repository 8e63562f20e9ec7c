"""The streaming side of nieuwsstroom: the only package that imports Faust."""

__version__ = "0.1.0"
