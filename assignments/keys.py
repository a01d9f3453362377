"""Teachers' personal model API keys: Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`)
with a key derived by HKDF from ``ASSIGNMENTS_KEY_SECRET`` (default: the site's SECRET_KEY).

Rotating SECRET_KEY without setting ASSIGNMENTS_KEY_SECRET to the old value makes stored keys
unreadable; ``key_decrypt`` then returns None and the teacher is asked to enter the key again.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"elearning.assignments", info=b"model-api-key"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _current() -> Fernet:
    return _fernet(settings.ASSIGNMENTS_KEY_SECRET or settings.SECRET_KEY)


def key_encrypt(plain: str) -> bytes:
    return _current().encrypt(plain.encode())


def key_decrypt(token: bytes) -> str | None:
    try:
        return _current().decrypt(bytes(token)).decode()
    except (InvalidToken, ValueError):
        return None
