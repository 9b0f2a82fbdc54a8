"""What the PostgreSQL benchmarks share: their own database, created on first use."""


def ensure_database(db, name):
    """Create the database `name` on the server of Django's settings `db`, unless it exists.
    It is created from the server's `postgres` database, outside a transaction."""
    import psycopg2
    from psycopg2 import sql

    parameters = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "connect_timeout": 3,
        **db["OPTIONS"],
    }
    connection = psycopg2.connect(dbname="postgres", **parameters)
    connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()
