"""Django's Redis cache, keeping one client per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every operation; with
redis-py 5+ that copies some 170 response callbacks each time, about 0.3 ms. A page reads
the cache several times and a cached page is nothing but cache reads, so that was most of
a cache hit's own cost (bench/README.md). A ``redis.Redis`` is safe to share between
threads (it takes a connection from its pool per command), so each pool keeps one.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django: Any = self  # django-stubs leave out the client's private helpers
        index = django._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = django._client(connection_pool=django._get_connection_pool(write))
            self._clients[index] = client
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientCacheClient
