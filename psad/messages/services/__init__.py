"""Writing to youth: who can be written to (``recipients``), the preview and the sending
(``sending``), the PSAD's templates (``templates``) and settings (``settings``).

The names the views, the jobs and the demo use are re-exported here."""

from psad.messages.services.errors import MessagingError, TemplateError
from psad.messages.services.recipients import (
    LEFT_BLOCKED,
    LEFT_CLOSED,
    LEFT_NO_DETAILS,
    LEFT_NO_EMAIL,
    LEFT_NO_MOBILE,
    Recipient,
    recipients,
    sms_number_of,
    sms_offered,
)
from psad.messages.services.sending import (
    MASKED_TOKEN,
    MAX_SENDING_KEY,
    NO_BASE_URL,
    NO_CHANNEL,
    NO_MAIL,
    NO_SMS,
    SendReport,
    counsellor_name,
    left_summary,
    masked_link,
    preview,
    send_messages,
)
from psad.messages.services.settings import AUTO_REMINDER_DAYS, save_settings, settings_of
from psad.messages.services.templates import (
    TemplateData,
    save_template,
    template_by_code,
    template_errors,
    templates_of,
)

__all__ = [
    "AUTO_REMINDER_DAYS",
    "LEFT_BLOCKED",
    "LEFT_CLOSED",
    "LEFT_NO_DETAILS",
    "LEFT_NO_EMAIL",
    "LEFT_NO_MOBILE",
    "MASKED_TOKEN",
    "MAX_SENDING_KEY",
    "NO_BASE_URL",
    "NO_CHANNEL",
    "NO_MAIL",
    "NO_SMS",
    "MessagingError",
    "Recipient",
    "SendReport",
    "TemplateData",
    "TemplateError",
    "counsellor_name",
    "left_summary",
    "masked_link",
    "preview",
    "recipients",
    "save_settings",
    "save_template",
    "send_messages",
    "settings_of",
    "sms_number_of",
    "sms_offered",
    "template_by_code",
    "template_errors",
    "templates_of",
]
