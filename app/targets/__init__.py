"""Targets of the plan measured on the data: `measures.py` computes each indicator's numerator and denominator."""
