"""The backend image and the storefront nginx, measured without the lab."""
