"""The project's input channels: Rasa's connectors plus a reply guarantee."""
