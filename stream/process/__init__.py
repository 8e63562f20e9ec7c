"""How nieuwsstroom's processes start and end together.

`nieuwsstroom demo` (and the tests) start a Kafka JVM and a worker process of
their own. Those children must never outlive the process that started them,
however it ends: Ctrl-C, SIGTERM from a supervisor, or SIGKILL, where no
Python code of the parent runs at all.

    parent_death.py  the child side: the kernel signals it when its parent dies
                     (PR_SET_PDEATHSIG), and a thread watches for a changed parent
    signals.py       SIGTERM handled like Ctrl-C in a command's main thread
    reaper.py        a guard process that ends the children and removes the
                     temporary folders of a parent that died without cleaning up
"""
