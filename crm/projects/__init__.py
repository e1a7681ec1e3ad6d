"""Signed projects (签约项目)."""
