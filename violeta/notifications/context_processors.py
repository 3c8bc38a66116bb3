from django.utils.functional import SimpleLazyObject

from violeta.notifications.selectors import unread_count


def notices(request):
    """The unread count for the bell in the navbar; counted only when a page shows it."""
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(request.user))}
