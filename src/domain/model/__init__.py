"""Entities, value objects, enumerations, rules and errors."""
