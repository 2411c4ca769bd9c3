"""Rasa stores configured from the environment (endpoints.yml): tracker and lock store."""
