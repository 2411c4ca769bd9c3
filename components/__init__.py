"""Custom Rasa NLU components of the spine-MRI assistant."""
