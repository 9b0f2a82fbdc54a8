"""Which addresses are on the internet, for the URL check: IANA's special-purpose address
registries, written down here, not left to what this Python's `ipaddress` happens to know (the
3.11 we run on takes 192.0.0.0/24 and the documentation prefix 3fff::/20 for public ones).

Sources, as published when this table was written:
- IANA IPv4 Special-Purpose Address Registry, updated 2020-09-04
  (https://www.iana.org/assignments/iana-ipv4-special-registry)
- IANA IPv6 Special-Purpose Address Registry, updated 2025-10-09
  (https://www.iana.org/assignments/iana-ipv6-special-registry)

An address is public when the most specific block that holds it is "globally reachable" in
the registry, or no block holds it; multicast and, for IPv6, anything outside the global
unicast space 2000::/3 never are. An IPv6 address that carries an IPv4 address (IPv4-mapped,
NAT64, 6to4) is as public as the IPv4 address it carries; Teredo's is hidden, so it is refused.
"""

import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    network: object
    globally_reachable: bool
    name: str


def _block(network, globally_reachable, name):
    return Block(ipaddress.ip_network(network), globally_reachable, name)


SPECIAL_PURPOSE = (
    # IPv4
    _block("0.0.0.0/8", False, '"This network"'),
    _block("0.0.0.0/32", False, '"This host on this network"'),
    _block("10.0.0.0/8", False, "Private-Use"),
    _block("100.64.0.0/10", False, "Shared Address Space"),
    _block("127.0.0.0/8", False, "Loopback"),
    _block("169.254.0.0/16", False, "Link Local"),
    _block("172.16.0.0/12", False, "Private-Use"),
    _block("192.0.0.0/24", False, "IETF Protocol Assignments"),
    _block("192.0.0.0/29", False, "IPv4 Service Continuity Prefix"),
    _block("192.0.0.8/32", False, "IPv4 dummy address"),
    _block("192.0.0.9/32", True, "Port Control Protocol Anycast"),
    _block("192.0.0.10/32", True, "Traversal Using Relays around NAT Anycast"),
    _block("192.0.0.170/32", False, "NAT64/DNS64 Discovery"),
    _block("192.0.0.171/32", False, "NAT64/DNS64 Discovery"),
    _block("192.0.2.0/24", False, "Documentation (TEST-NET-1)"),
    _block("192.31.196.0/24", True, "AS112-v4"),
    _block("192.52.193.0/24", True, "AMT"),
    # Deprecated (6to4 Relay Anycast, RFC 7526): the registry says N/A; nothing to check there.
    _block("192.88.99.0/24", False, "Deprecated (6to4 Relay Anycast)"),
    _block("192.168.0.0/16", False, "Private-Use"),
    _block("192.175.48.0/24", True, "Direct Delegation AS112 Service"),
    _block("198.18.0.0/15", False, "Benchmarking"),
    _block("198.51.100.0/24", False, "Documentation (TEST-NET-2)"),
    _block("203.0.113.0/24", False, "Documentation (TEST-NET-3)"),
    _block("240.0.0.0/4", False, "Reserved"),
    _block("255.255.255.255/32", False, "Limited Broadcast"),
    # IPv6
    _block("::1/128", False, "Loopback Address"),
    _block("::/128", False, "Unspecified Address"),
    _block("64:ff9b:1::/48", False, "IPv4-IPv6 Translat. (local use)"),
    _block("100::/64", False, "Discard-Only Address Block"),
    _block("100:0:0:1::/64", False, "Dummy IPv6 Prefix"),
    _block("2001::/23", False, "IETF Protocol Assignments"),
    _block("2001::/32", False, "TEREDO (the IPv4 address it carries is hidden)"),
    _block("2001:1::1/128", True, "Port Control Protocol Anycast"),
    _block("2001:1::2/128", True, "Traversal Using Relays around NAT Anycast"),
    _block("2001:1::3/128", True, "DNS-SD Service Registration Protocol Anycast"),
    _block("2001:2::/48", False, "Benchmarking"),
    _block("2001:3::/32", True, "AMT"),
    _block("2001:4:112::/48", True, "AS112-v6"),
    _block("2001:10::/28", False, "Deprecated (previously ORCHID)"),
    _block("2001:20::/28", True, "ORCHIDv2"),
    _block("2001:30::/28", True, "Drone Remote ID Protocol Entity Tags (DETs) Prefix"),
    _block("2001:db8::/32", False, "Documentation"),
    _block("2620:4f:8000::/48", True, "Direct Delegation AS112 Service"),
    _block("3fff::/20", False, "Documentation"),
    _block("5f00::/16", False, "Segment Routing (SRv6) SIDs"),
    _block("fc00::/7", False, "Unique-Local"),
    _block("fe80::/10", False, "Link-Local Unicast"),
)
# Most specific first: the first block that holds an address decides.
_BY_SPECIFICITY = sorted(SPECIAL_PURPOSE, key=lambda block: -block.network.prefixlen)

IPV6_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
# IPv6 addresses that stand for an IPv4 address, and where in them it is.
_IPV4_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


def is_globally_reachable(address):
    """Whether `address` (text or an ipaddress object) is on the public internet."""
    ip = ipaddress.ip_address(address)
    carried = carried_ipv4(ip)
    if carried is not None:
        return is_globally_reachable(carried)
    if ip.is_multicast or (ip.version == 6 and ip not in IPV6_GLOBAL_UNICAST):
        return False
    block = next((block for block in _BY_SPECIFICITY if ip in block.network), None)
    return block is None or block.globally_reachable


def carried_ipv4(ip):
    """The IPv4 address an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 address stands for."""
    if ip.version == 6 and (ip in _IPV4_MAPPED or ip in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.version == 6 and ip in _SIX_TO_FOUR:
        return ip.sixtofour
    return None
