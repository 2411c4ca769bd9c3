"""Privacy controls: PII redaction, retention, forget-me and log hygiene.

Patients type personal details into health chat. Nothing they type is stored
or logged before it has passed through :func:`privacy.redaction.redact`.
"""

# The action that erases the patient's conversation; the tracker store reacts to it.
FORGET_ME_ACTION = "action_forget_me"
