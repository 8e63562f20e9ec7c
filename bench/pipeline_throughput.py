"""Articles/s end to end (Kafka -> worker -> Kafka) vs. the batched translator alone.

    python bench/pipeline_throughput.py [--articles 64] [--rounds 2] [--broker kafka://HOST:PORT]
                                        [--keep-logs DIR]

About 5-6 minutes with the defaults on the 2-core build machine (N=64 articles per phase),
with the bundled test model (or NIEUWSSTROOM_ARGOS_MODEL). The phases (translator alone vs
one worker, latency at half load, worker memory, scaling to two workers) are described in
bench/pipeline_bench.py, which bench/base_model_throughput.py runs too with a
Transformer-base-sized model. The last line is the claim:
`pipeline_vs_translator_ratio=<x>` (goal >= 0.85).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pipeline_bench import add_arguments, run_bench  # noqa: E402

RATIO_GOAL = 0.85


def main() -> None:
    """Run every phase, print the breakdown and `pipeline_vs_translator_ratio=<x>` last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, articles=64, rounds=2)
    args = parser.parse_args()
    figures = run_bench(args, ratio_goal=RATIO_GOAL)
    print(f"pipeline_vs_translator_ratio={figures.ratio:.2f}")


if __name__ == "__main__":
    main()
