"""The benchmarks of `make bench`; every HTTP figure comes from `wrk`."""
