"""Every URL pattern of the URL configuration, and how to fill its parameters.

``endpoints()`` walks the resolver (public pages, staff pages, the Django admin with its history
and revert views, the API) and yields each pattern with the names of its parameters; ``build``
turns one into a concrete path from a mapping of parameter values. A pattern whose parameters
cannot be filled raises ``CannotFill``: the walk then fails, so a URL added tomorrow is walked
the day it is added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern


class CannotFill(Exception):
    pass


@dataclass(frozen=True)
class Endpoint:
    key: str  # the namespaced URL name, or the route when the pattern has no name
    name: str | None
    route: str
    params: tuple[str, ...]  # named parameters, in order
    positional: int  # unnamed regex groups (simple_history's history/<id>/ view)

    def __str__(self) -> str:
        return self.key


def _params(pattern) -> tuple[tuple[str, ...], int]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters), 0
    if isinstance(pattern, RegexPattern):
        regex = pattern.regex
        return tuple(regex.groupindex), regex.groups - len(regex.groupindex)
    raise CannotFill(f"unknown pattern type {type(pattern).__name__}")


def endpoints() -> list[Endpoint]:
    found: list[Endpoint] = []

    def walk(patterns, prefix: str, namespace: str, params: tuple[str, ...], positional: int):
        for entry in patterns:
            names, unnamed = _params(entry.pattern)
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
                walk(entry.url_patterns, route, inner, params + names, positional + unnamed)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                found.append(Endpoint(name or route, name, route, params + names, positional + unnamed))

    walk(get_resolver().url_patterns, "", "", (), 0)
    return found


_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)|\([^?][^)]*\)")


def build(endpoint: Endpoint, values: dict, positional: tuple = ()) -> str:
    """The path of ``endpoint`` with its parameters taken from ``values`` (and ``positional``)."""
    missing = [name for name in endpoint.params if name not in values]
    if missing or len(positional) < endpoint.positional:
        raise CannotFill(f"{endpoint.key}: no value for {missing or 'a positional group'}")
    kwargs = {name: values[name] for name in endpoint.params}
    if endpoint.name:
        if endpoint.positional:
            return reverse(endpoint.name, args=[str(value) for value in positional[: endpoint.positional]])
        return reverse(endpoint.name, kwargs=kwargs)
    # An unnamed pattern: fill the route by hand (route converters, or regex groups).
    remaining = list(positional)

    def regex_group(match):
        return str(kwargs[match.group(1)]) if match.group(1) else str(remaining.pop(0))

    path = _ROUTE_PARAM.sub(lambda match: str(kwargs[match.group(1)]), endpoint.route)
    path = _REGEX_GROUP.sub(regex_group, path).replace("^", "").replace("$", "")
    return "/" + path
