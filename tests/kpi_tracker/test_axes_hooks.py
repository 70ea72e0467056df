"""The client address our trusted proxies appended to X-Forwarded-For (kpi_tracker.axes_hooks)."""

import pytest

from kpi_tracker.axes_hooks import forwarded_client


@pytest.mark.parametrize(
    ("header", "proxy_count", "client"),
    [
        ("198.51.100.7", 1, "198.51.100.7"),
        ("192.0.2.1, 198.51.100.7", 1, "198.51.100.7"),  # the left entry came from the client
        ("192.0.2.1,198.51.100.7", 1, "198.51.100.7"),
        ("192.0.2.1, 198.51.100.7, 10.0.0.1", 2, "198.51.100.7"),
        (" 2001:db8::1 ", 1, "2001:db8::1"),
        ("198.51.100.7", 2, None),  # fewer entries than proxies: not from our proxies
        ("", 1, None),
        ("unknown", 1, None),
        ("198.51.100.7", 0, None),
    ],
)
def test_forwarded_client(header, proxy_count, client):
    assert forwarded_client(header, proxy_count) == client
