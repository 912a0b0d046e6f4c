"""Messages to youth: templates, sending by e-mail and SMS, the personal reply link, the
youth's answers and their opposition to being contacted (« STOP »)."""

# The outbox asks it before each message leaves (youth blocked, case closed): registered
# whenever the messages are imported, as the app's models import them.
import psad.messages.cancel  # noqa: F401
