from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import CursorPagination

from api.errors import Refused, error


class NewestFirst(CursorPagination):
    """Pages that hold still while offers change: a cursor, most recently changed first."""

    ordering = ("-updated_at", "-id")
    page_size = 50

    def decode_cursor(self, request):
        # A cursor that is not one of ours is a bad request naming the parameter, not a 404.
        try:
            return super().decode_cursor(request)
        except Exception:  # noqa: BLE001 - DRF raises NotFound for every kind of bad cursor
            raise Refused(
                [
                    error(
                        "invalid",
                        self.cursor_query_param,
                        _("This cursor is not one the API gave; follow the “next” link."),
                    )
                ]
            ) from None
