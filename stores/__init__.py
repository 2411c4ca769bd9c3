"""Rasa stores configured from the environment (see endpoints.yml)."""
