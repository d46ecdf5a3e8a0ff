"""Pure NumPy machine learning for fraud detection; importable without Django."""
