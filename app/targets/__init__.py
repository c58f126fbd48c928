"""Targets (chỉ tiêu): the plan's indicators measured, their stored targets, snapshots and the dashboard."""
