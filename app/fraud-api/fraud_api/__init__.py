"""The fraud-scoring API: the active detector of the shop's database, served over HTTP."""
