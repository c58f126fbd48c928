"""Mail in Vietnamese: the outbox (queued once per dedup key), the daily digest, activity reminders, and the
sender that delivers the outbox over SMTP."""
