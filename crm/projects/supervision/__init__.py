"""督办: supervision orders on a project or one of its issues, their answers, closing and sending back; the 台账."""
