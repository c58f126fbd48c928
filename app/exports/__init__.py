"""Exports of every list as .xlsx and .csv, within the user's scope and with the list page's filters."""
