"""到资: a project's tranches of money in place, entered by its team and verified by the office."""
