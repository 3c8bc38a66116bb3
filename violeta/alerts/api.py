# Being written (the MIA JSON API).
from ninja import Router

router = Router(tags=["mia"])
