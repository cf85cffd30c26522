"""Benchmarks run by `make bench`; each bench_*.py module has run(report) and writes its figures."""
