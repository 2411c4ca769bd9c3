"""Custom actions of the spine-MRI assistant, served by the rasa-sdk action server.

Every bot message is produced here (the domain has no responses), so the
document's disclaimer is attached in exactly one place: ``messaging.send``.
"""
