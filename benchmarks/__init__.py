"""Benchmark suite (``make bench``): every ``bench_*.py`` module here is one group."""
