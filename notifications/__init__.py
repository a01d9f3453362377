"""Notifications: in-app notifications, their e-mail copies and the live unread badge."""
