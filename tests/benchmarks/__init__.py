"""Checks on the benchmarks that run inside the test suite."""
