"""The Redis cache, forgiving an outage: pages that only use the cache for rate
limits or shared hints keep working while Redis is down (reads miss, writes
are dropped), and the outage is logged instead of answered with an error."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_OUTAGE = (RedisConnectionError, RedisTimeoutError)


def _forgiving(method_name, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCache, method_name)(self, *args, **kwargs)
        except _OUTAGE:
            logger.warning("Cache unavailable: %s answered as a miss", method_name)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = method_name
    return method


def _default_of_get(key, default=None, version=None):
    return default


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        # Fail fast: a dead Redis costs a request one second, not a minute.
        options = {"socket_connect_timeout": 1, "socket_timeout": 2, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})

    get = _forgiving("get", _default_of_get)
    get_many = _forgiving("get_many", {})
    has_key = _forgiving("has_key", False)
    add = _forgiving("add", True)  # as if stored: a lock taken in the cache is granted
    set = _forgiving("set", None)
    set_many = _forgiving("set_many", [])
    touch = _forgiving("touch", False)
    delete = _forgiving("delete", False)
    delete_many = _forgiving("delete_many", None)
    incr = _forgiving("incr", None)
    clear = _forgiving("clear", False)
