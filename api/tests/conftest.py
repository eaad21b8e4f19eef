import pytest
from rest_framework.test import APIClient

from api.models import create_token


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    # Throttling counts requests in the cache, which outlives a test.
    from django.core.cache import cache

    cache.clear()


def client_for(user, *, write=True, **token_fields):
    _, secret = create_token(user=user, name="test", can_write=write, **token_fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client
