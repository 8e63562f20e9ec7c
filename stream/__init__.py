"""The streaming side of nieuwsstroom: the only package that imports Faust.

Rooms, each a sub-package:

    core/         the pure pipeline: decode raw input, clean, language, build records (no Kafka)
    kafka/        the client side of Kafka: publishing, topics, console producer/consumer, lag
    worker/       the Faust apps (enrichment, trending), the runtime they run, the worker object
    ops/          what ops people read: web views, health, readiness, metrics, stats, dashboard
    cli/          the `nieuwsstroom` command line, one module per command group
    demo/         the main job: broker + worker + sample articles, start to finish
    local_kafka/  a real Apache Kafka broker from Maven Central jars, for laptops and tests
    process/      how processes start and end together (parent death, SIGTERM, reaper)
"""
