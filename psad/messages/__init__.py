"""Messages to youth: templates, sending by e-mail and SMS, the personal reply link, the
youth's answers and their opposition to being contacted (« STOP »)."""
