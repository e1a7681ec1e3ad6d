"""Who may reach what: the rights of roles, which teams' records a user sees, the district wall."""
