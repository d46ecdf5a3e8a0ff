"""Project package of the e-commerce backend: settings, URLs, WSGI, logging."""
