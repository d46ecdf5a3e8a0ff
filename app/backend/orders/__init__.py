"""Orders: a multi-item cart becomes an order priced by the server and paid through a gateway."""
