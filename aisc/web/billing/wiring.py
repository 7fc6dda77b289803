"""Receivers and periodic tasks of billing, connected when Django loads the app."""
