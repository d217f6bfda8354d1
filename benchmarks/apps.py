from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The `bench_*` commands: figures for the queue, statistics, spatial checks, submissions
    and document reading, each against the naive way run side by side. They sit on top of
    every app; nothing imports them."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
