"""Pieces of `bench/pipeline_bench.py`, one job each.

    phase.py     one produce-and-collect phase over Kafka: the bench messages, the
                 clock, latencies and stage timings from the outputs
    processes.py the processes under test: the broker (given or embedded) and the
                 `nieuwsstroom worker` processes, started healthy and ready
    phases.py    the phases in order: translator alone vs one worker, latency at half
                 load, worker memory; the headline figures
    scaling.py   the optional last phase: a second worker joins the group

Importing this package points Argos at a bench-private package folder first
(`isolate_argos`, removed at exit): Argos reads it from the environment when it is
imported, which the modules here do.
"""

from __future__ import annotations

import atexit
import shutil

from bench.argos_baseline import isolate_argos

PACKAGES = isolate_argos()
atexit.register(shutil.rmtree, PACKAGES.parent, True)  # also after --help or a failure
