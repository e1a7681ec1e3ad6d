"""Who may reach what: the district wall (tenancy)."""
