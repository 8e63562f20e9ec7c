"""Offline Dutch->English translation with Argos Translate (no Kafka, no Faust in here)."""
