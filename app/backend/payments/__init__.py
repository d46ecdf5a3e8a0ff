"""Saved cards (brand, last4, expiry and provider ids only) and charges through a gateway."""
