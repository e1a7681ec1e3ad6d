"""A project's path after signing (注册 … 上规), each district's shape of it, and the 红黄绿 thresholds."""
