"""The project record: list, page, recording and editing, codes, history."""
