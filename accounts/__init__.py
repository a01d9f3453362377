"""Accounts (bottom layer): users and their roles, sign-up, profile and photo, login safeguards."""
