"""Certificates: issuing per person and level, printable pages, public verification, revocation."""
