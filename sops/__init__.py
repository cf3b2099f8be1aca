"""sops app."""
