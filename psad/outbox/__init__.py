"""The e-mail outbox: rows written with the decision to send, delivered with retries."""
