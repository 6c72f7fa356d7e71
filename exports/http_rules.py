"""Which requests the endpoint answers at all: the checks on Host, Origin and framing, as plain
functions of the request's headers, so each rule can be read (and tested) apart from the server.

- Host: only loopback names (or those given with --allow-host). A web page the user opens can point
  its own DNS name at 127.0.0.1 (DNS rebinding); its requests then carry that name, not ours.
- Origin: a request whose Origin is neither this server's own nor the --cors origin, or that a
  browser marks `Sec-Fetch-Site: cross-site`, is refused. A form POST needs no CORS preflight, so
  without this any page the user opens could make the endpoint run its queries (CSRF).
- Framing that two parsers could read differently (request smuggling): a Transfer-Encoding header,
  repeated Content-Length, a header line the parser cannot read (`Name : value`) or a folded one.
"""

from __future__ import annotations

import ipaddress
from email.message import Message
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def host_name(header: str) -> str:
    """The name or address in a Host header, without port, brackets or a trailing dot, lower-cased."""
    host = header.strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def host_port(header: str) -> int | None:
    """The port of a Host header (80 when none is written); None when it is not a number."""
    rest = header.strip().rsplit("]", 1)[-1] if header.strip().startswith("[") else header.strip()
    if ":" not in rest:
        return 80
    port = rest.rsplit(":", 1)[1]
    return int(port) if port.isascii() and port.isdigit() else None


def is_loopback(header: str) -> bool:
    """Whether a Host header names this machine's loopback (localhost, 127.0.0.0/8, ::1)."""
    host = host_name(header)
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def same_origin(origin: str, host: str | None) -> bool:
    """Whether an Origin header names this server as the request reached it (http, the Host's name and
    port): the one origin a page of its own would send."""
    if not host:
        return False
    try:
        url = urlsplit(origin.strip())
        port = url.port or 80
    except ValueError:
        return False
    return url.scheme == "http" and (url.hostname or "") == host_name(host) and port == host_port(host)


def cors_allows(cors: str | None, origin: str | None) -> bool:
    """Whether --cors (`cors`) names this Origin (or is `*`)."""
    if not cors or origin is None:
        return False
    return cors == "*" or origin.strip().rstrip("/").lower() == cors.strip().rstrip("/").lower()


def cross_site(headers: Message, cors: str | None) -> bool:
    """Whether a request comes from a page of another site: its Origin is not ours nor the --cors one,
    or the browser marks it cross-site."""
    origin = headers.get("Origin")
    if cors_allows(cors, origin):
        return False
    marked = (headers.get("Sec-Fetch-Site") or "").strip().lower() == "cross-site"
    return marked or not (origin is None or same_origin(origin, headers.get("Host")))


def framing_problem(headers: Message, method: str) -> tuple[int, str] | None:
    """(status, what is wrong) for framing a proxy in front could read as a different request than we
    do: any Transfer-Encoding, several Content-Length headers, a line the header parser gave up on
    (`Transfer-Encoding : chunked` ends the headers for it) or a folded line; None when it is sound."""
    if headers.defects or headers.get_payload():
        return 400, "a malformed header line (white space before the colon, or no colon)"
    if any("\n" in v or "\r" in v for v in headers.values()):
        return 400, "a header folded over lines"
    if headers.get("Transfer-Encoding") is not None:
        status = 411 if method == "POST" else 400
        return status, "Transfer-Encoding: chunked bodies are not accepted; send Content-Length"
    if len(headers.get_all("Content-Length") or []) > 1:
        return 400, "more than one Content-Length header"
    return None


def exposure_warning(host: str) -> str | None:
    """What to tell the user when the bind address is reachable from other machines."""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host_name(host) in LOOPBACK_NAMES
    if local:
        return None
    where = "every network interface" if host in ("0.0.0.0", "::", "") else host
    return (f"zhkg serve: warning: listening on {where}: anyone who can reach this machine can query the "
            "graph; there is no authentication. Only loopback Host names are answered unless "
            "--allow-host names others.")


__all__ = ["LOOPBACK_NAMES", "cors_allows", "cross_site", "exposure_warning", "framing_problem", "host_name",
           "host_port", "is_loopback", "same_origin"]
