"""The catalogue: products, prices, stock and images."""
