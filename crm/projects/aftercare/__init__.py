"""The service after signing: chief service officer and service team, 代办事项, 问题诉求."""
