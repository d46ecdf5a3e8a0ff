"""Fraud detection: autoencoder and classifier, checkout scoring, admin dashboard."""
