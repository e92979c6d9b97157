"""The domain: entities, rules and use cases of workflow order history (stdlib only)."""
