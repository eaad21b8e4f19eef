import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_compressed_and_downloads_are_not(client, hiring_manager):
    client.force_login(hiring_manager)
    page = client.get(reverse("compare"), headers={"accept-encoding": "gzip"})
    assert (page["Content-Encoding"], page["Vary"]) == ("gzip", "Cookie, Accept-Encoding")
    download = client.get(reverse("compare_csv"), headers={"accept-encoding": "gzip"})
    assert download.streaming
    assert not download.has_header("Content-Encoding")


def test_a_client_that_does_not_ask_gets_plain_pages(client, hiring_manager):
    client.force_login(hiring_manager)
    assert not client.get(reverse("compare")).has_header("Content-Encoding")
    assert "Accept-Encoding" not in client.get(reverse("compare"))["Vary"]
