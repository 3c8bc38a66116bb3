"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's router. OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="Violeta API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url=None,
)


api.add_router("/mia/", "violeta.alerts.api.router")


@api.get("/health", auth=None, tags=["sistema"], summary="Estado del servicio")
def health(request):
    return {"status": "ok"}
