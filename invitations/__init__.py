"""Invitations (a feature app above courses): single and bulk invitations, the accept page, join links."""
