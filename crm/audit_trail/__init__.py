"""The audit trail as the audit administrator reviews it: its page, export, hash chain and retention."""
