"""Accounts, roles, sessions and API tokens for a shared server.

- `roles`: the four roles; `permissions`: who may do what (the service layer's one check);
- `users`, `passwords`, `tokens`, `sessions`: accounts and how a request proves who it is;
- `middleware`, `csrf`, `ratelimit`, `routes`: the web side (/login, /logout, /api/me, /api/tokens).
"""

from .permissions import AccessDenied, Principal, check, current, scope

__all__ = ["AccessDenied", "Principal", "check", "current", "scope"]
