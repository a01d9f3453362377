"""Invitation tokens: 128 random bits in the row, the token derived from them with the secret key.

``token = HMAC-SHA256(SECRET_KEY, nonce)`` (base64url, 43 characters); the row stores the nonce
and ``SHA-256(token)`` for the lookup. Someone holding a copy of the database cannot build a link
(they lack the key); the worker that e-mails the link and the "copy link" button can. Changing
``DJANGO_SECRET_KEY`` therefore kills every open invitation link (resend them).
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.utils.crypto import salted_hmac

SALT = "invitations.tokens"


def new_nonce() -> str:
    return secrets.token_hex(16)  # 128 random bits


def token_for(nonce: str) -> str:
    digest = salted_hmac(SALT, nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token_fields() -> dict[str, str]:
    """``token_nonce`` and ``token_hash`` for a fresh link."""
    nonce = new_nonce()
    return {"token_nonce": nonce, "token_hash": hash_token(token_for(nonce))}


JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_join_code(length: int = 8) -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(length))
