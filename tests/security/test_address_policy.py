"""The upload fetcher's address policy, judged on resolved addresses alone (no network)."""

from __future__ import annotations

import pytest

from engine.tap.fetch import FetchFailed, choose_address, public_address

INSIDE = [
    "127.0.0.1", "127.255.255.254", "0.0.0.0", "0.1.2.3",  # loopback, "this network"
    "10.0.0.1", "172.16.5.4", "192.168.1.1",  # private
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "169.254.169.254",  # link-local: cloud metadata services
    "224.0.0.1", "239.255.255.250", "224.0.1.1",  # multicast, even "global" multicast
    "240.0.0.1", "255.255.255.255",  # reserved, broadcast
    "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9",  # special
    "::1", "::", "fe80::1", "fe80::1%1", "fc00::1", "fd12:3456::1",  # IPv6 inside
    "ff02::1", "ff0e::1",  # IPv6 multicast, link-local and global scope
    "2001:db8::1",  # documentation
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",  # NAT64 of loopback and metadata
    "2002:7f00:1::1", "2002:a00:1::1",  # 6to4 around loopback and private
    "not an address", "",
]
OUTSIDE = ["8.8.8.8", "1.1.1.1", "193.174.152.1", "2606:4700:4700::1111",
           "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", INSIDE)
def test_addresses_inside_or_special_are_not_public(address):
    assert not public_address(address)


@pytest.mark.parametrize("address", OUTSIDE)
def test_globally_routable_unicast_addresses_are_public(address):
    assert public_address(address)


def test_a_host_is_refused_if_any_of_its_addresses_is_inside():
    with pytest.raises(FetchFailed):
        choose_address("example.org", ["8.8.8.8", "10.0.0.1"], allow_private=False)
    with pytest.raises(FetchFailed):
        choose_address("example.org", ["2606:4700:4700::1111", "::1"],
                       allow_private=False)


def test_the_chosen_address_is_one_that_was_checked():
    assert choose_address("example.org", ["8.8.8.8", "1.1.1.1"],
                          allow_private=False) == "8.8.8.8"


def test_a_host_without_addresses_is_refused():
    with pytest.raises(FetchFailed):
        choose_address("example.org", [], allow_private=True)


def test_private_hosts_pass_only_when_the_configuration_allows_them():
    assert choose_address("localhost", ["127.0.0.1"], allow_private=True) == "127.0.0.1"
    with pytest.raises(FetchFailed):
        choose_address("localhost", ["127.0.0.1"], allow_private=False)
