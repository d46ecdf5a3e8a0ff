"""Users (e-mail login) and their addresses."""
