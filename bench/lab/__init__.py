"""P1-P6 against the lab: `python -m ecomops_bench.lab` (mk/lab.mk)."""
