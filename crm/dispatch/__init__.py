"""调度会: the dispatch meeting's page and command — red and yellow projects, open 督办, what changed."""
