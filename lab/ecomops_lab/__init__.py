"""The local lab: the AWS topology of the project as systemd containers on one machine.

`ecomops-lab up` creates it (idempotent) and writes the inventory
contract to `.lab/outputs.json`; `down` removes every trace of it.
"""
