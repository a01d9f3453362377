"""The session engine: Django's ``cached_db`` that keeps working while the cache is down.

Sessions are written to the database and read from the cache (a signed-in page makes no session
query). Django's engine already survives a failed cache write on save, but not on load (it
refills the cache after a miss) nor on the key check of a new session, so with Redis down every
signed-in request answered 500. Here every cache call may fail: the database answers, and the
cache is refilled once it is back. Part of the app-free toolkit.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def _cache_call(self, name: str, *args, default=None):
        try:
            return getattr(self._cache, name)(*args)
        except Exception:  # noqa: BLE001 - the cache (Redis) is down: the database answers
            logger.warning("session cache unavailable (%s); using the database", name)
            return default

    def load(self):
        data = self._cache_call("get", self.cache_key)
        if data is None:
            stored = self._get_session_from_db()
            if not stored:
                return {}
            data = self.decode(stored.session_data)
            self._cache_call("set", self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        return data

    def exists(self, session_key):
        return bool(session_key) and (
            self._cache_call("__contains__", self.cache_key_prefix + session_key, default=False)
            or super(cached_db.SessionStore, self).exists(session_key)
        )

    def delete(self, session_key=None):
        super(cached_db.SessionStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._cache_call("delete", self.cache_key_prefix + session_key)
