"""Notifications (above accounts): delivery only — in-app rows, e-mail copies, the live badge; knows no other app."""
