"""Put the user's roles, and the one they are acting in now, into every template."""

from django.conf import settings
from django.http import HttpRequest

from .access import access_for
from .permissions import can_use_admin

SESSION_ROLE_KEY = "dekomp_current_role"


def roles(request: HttpRequest) -> dict[str, object]:
    """``user_roles`` (all roles) and ``current_role`` (from the session, else the first)."""
    context: dict[str, object] = {"show_demo_logins": settings.DEKOMP_SHOW_DEMO_LOGINS}
    user = getattr(request, "user", None)
    access = access_for(user) if user is not None else None
    if access is None:
        return context
    user_roles = access.roles()
    chosen = request.session.get(SESSION_ROLE_KEY)
    current = next((role for role in user_roles if role.key == chosen), user_roles[0] if user_roles else None)
    context.update(user_roles=user_roles, current_role=current, can_use_admin=can_use_admin(user))
    return context
