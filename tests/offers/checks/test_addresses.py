"""The URL check's rule for the internet, range by range at each edge, as IANA's special-purpose
registries say (offers/checks/addresses.py), whatever this Python's ipaddress module believes."""

import ipaddress

import pytest

from offers.checks.addresses import SPECIAL_PURPOSE, carried_ipv4, is_globally_reachable

# (first and last address of each block that is not globally reachable) and (the addresses just
# outside it, which are), written out by hand from the registries.
NOT_PUBLIC = [
    # IPv4
    "0.0.0.0",
    "0.255.255.255",
    "10.0.0.0",
    "10.255.255.255",
    "100.64.0.0",
    "100.127.255.255",
    "127.0.0.0",
    "127.255.255.255",
    "169.254.0.0",
    "169.254.255.255",
    "172.16.0.0",
    "172.31.255.255",
    "192.0.0.0",
    "192.0.0.7",
    "192.0.0.8",
    "192.0.0.11",
    "192.0.0.170",
    "192.0.0.171",
    "192.0.0.255",
    "192.0.2.0",
    "192.0.2.255",
    "192.88.99.0",
    "192.88.99.255",
    "192.168.0.0",
    "192.168.255.255",
    "198.18.0.0",
    "198.19.255.255",
    "198.51.100.0",
    "198.51.100.255",
    "203.0.113.0",
    "203.0.113.255",
    "224.0.0.0",
    "239.255.255.255",  # multicast
    "240.0.0.0",
    "255.255.255.254",
    "255.255.255.255",
    # IPv6
    "::",
    "::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",  # IPv4-mapped: the IPv4 address decides
    "64:ff9b::a9fe:a9fe",
    "64:ff9b::a00:1",  # NAT64 of 169.254.169.254 and 10.0.0.1
    "64:ff9b:1::",
    "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
    "100::",
    "100::ffff:ffff:ffff:ffff",
    "100:0:0:1::",
    "100:0:0:1:ffff:ffff:ffff:ffff",
    "2001::",
    "2001:0:ffff:ffff:ffff:ffff:ffff:ffff",  # Teredo, refused outright
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo carrying a public address, still refused
    "2001:1::",
    "2001:1::4",
    "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff",
    "2001:2::",
    "2001:2:0:ffff:ffff:ffff:ffff:ffff",
    "2001:10::",
    "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff",
    "2001:db8::",
    "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
    "2002:a00:1::1",
    "2002:7f00:1::",
    "2002:a9fe:a9fe::1",  # 6to4 of private IPv4
    "3fff::",
    "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",  # documentation since 2024
    "5f00::",
    "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "fc00::",
    "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "fe80::",
    "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "fec0::1",  # deprecated site-local, outside global unicast
    "ff02::1",
    "ff0e::1",  # multicast
    "::8.8.8.8",  # deprecated IPv4-compatible form
    "4000::1",
    # Around 5f00::/16: outside global unicast too, so not public either.
    "5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "5f01::",
    "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",  # outside 2000::/3
]
PUBLIC = [
    # IPv4, just outside each block
    "1.0.0.0",
    "9.255.255.255",
    "11.0.0.0",
    "100.63.255.255",
    "100.128.0.0",
    "126.255.255.255",
    "128.0.0.0",
    "169.253.255.255",
    "169.255.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "191.255.255.255",
    "192.0.1.0",
    "192.0.3.0",
    "192.0.0.9",
    "192.0.0.10",  # anycast services, globally reachable
    "192.31.196.0",
    "192.31.196.255",
    "192.52.193.1",
    "192.175.48.0",
    "192.88.98.255",
    "192.88.100.0",
    "192.167.255.255",
    "192.169.0.0",
    "198.17.255.255",
    "198.20.0.0",
    "198.51.99.255",
    "198.51.101.0",
    "203.0.112.255",
    "203.0.114.0",
    "223.255.255.255",
    "8.8.8.8",
    "93.184.215.14",
    # IPv6
    "2000::",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
    "2001:1::1",
    "2001:1::2",
    "2001:1::3",
    "2001:3::",
    "2001:3:ffff:ffff:ffff:ffff:ffff:ffff",
    "2001:4:112::1",
    "2001:20::",
    "2001:2f:ffff:ffff:ffff:ffff:ffff:ffff",
    "2001:30::",
    "2001:3f:ffff:ffff:ffff:ffff:ffff:ffff",
    "2001:200::",
    "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff",
    "2001:db9::",
    "2620:4f:8000::1",
    "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "3fff:1000::",
    "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_an_address_the_registries_keep_off_the_internet_is_not_public(address):
    assert is_globally_reachable(address) is False


@pytest.mark.parametrize("address", PUBLIC)
def test_an_address_on_the_internet_is_public(address):
    assert is_globally_reachable(address) is True


def test_the_table_decides_where_this_python_s_ipaddress_would_not():
    # Python 3.11 takes these for global; the registries do not.
    for address in ("192.0.0.8", "192.0.0.100", "3fff::1"):
        assert is_globally_reachable(address) is False


def test_the_carried_ipv4_address_of_each_form():
    carried = {
        address: str(carried_ipv4(ipaddress.ip_address(address)))
        for address in ("::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:c000:0201::1")
    }

    assert carried == {
        "::ffff:10.0.0.1": "10.0.0.1",
        "64:ff9b::a9fe:a9fe": "169.254.169.254",
        "2002:c000:0201::1": "192.0.2.1",
    }
    assert carried_ipv4(ipaddress.ip_address("2606:4700::1")) is None


def test_every_block_of_the_table_is_tested_at_an_edge():
    tested = [ipaddress.ip_address(address) for address in NOT_PUBLIC + PUBLIC]

    untested = [
        str(block.network)
        for block in SPECIAL_PURPOSE
        if not any(ip in block.network for ip in tested)
    ]
    assert untested == []
