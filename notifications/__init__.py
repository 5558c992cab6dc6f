"""Email (issue 18): delivery through SMTP or the outbox folder, and the messages the app
sends. No Dash here; callers send after their own action has been committed."""
