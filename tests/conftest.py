"""Shared pytest set-up. Keep this file small: fixtures live in `tests/fixtures_*.py`
modules, loaded here as plugins, so engineers adding fixtures do not collide."""

pytest_plugins = ["tests.fixtures_kafka", "tests.fixtures_leaks", "tests.fixtures_secured_kafka"]
