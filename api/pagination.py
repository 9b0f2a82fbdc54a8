from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    """Pages that hold still while offers change: a cursor, most recently changed first."""

    ordering = ("-updated_at", "-id")
    page_size = 50
