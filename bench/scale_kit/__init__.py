"""Pieces of `bench/linking_scale.py`: the dump generator and the baselines it measures against."""
