"""Deploy and operate the e-commerce stack over ansible-runner."""
