from typing import Any

from django import template

from fraud.admin import dashboard_context

register = template.Library()


@register.inclusion_tag("admin/fraud/dashboard.html", takes_context=True)
def fraud_dashboard(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    if not request.user.has_perm("fraud.view_transactionscore"):
        return {"denied": True}
    return {**dashboard_context(request), "csrf_token": context.get("csrf_token")}
