"""Grant the runtime database role what the portal needs, and no more on the audit log.

Run as the owner role after ``migrate``::

    DATABASE_URL=postgres://portal_owner:...@db/portal python manage.py migrate
    DATABASE_URL=postgres://portal_owner:...@db/portal python manage.py grant_runtime_role portal_app

The runtime role may SELECT, INSERT, UPDATE and DELETE on every table and use every sequence, but only
INSERT and SELECT on the audit log. It owns nothing, so it cannot ALTER a table, disable the audit trigger
or TRUNCATE. Default privileges make the same grants on tables the owner creates in later migrations; the
command is idempotent and is run again after each ``migrate``.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from portal.audit.models import AuditEvent

TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
AUDIT_PRIVILEGES = "SELECT, INSERT"
SEQUENCE_PRIVILEGES = "USAGE, SELECT, UPDATE"


class Command(BaseCommand):
    help = "Grant ROLE (the portal's runtime database role) its privileges; run as the owner after migrate."

    def add_arguments(self, parser):
        parser.add_argument("role")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only.")
        from psycopg2 import sql

        audit_table = AuditEvent._meta.db_table
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
            found = cur.fetchone()
            if found is None:
                raise CommandError(f"The role {role!r} does not exist (CREATE ROLE {role} LOGIN PASSWORD '...').")
            if found[0] or found[1]:
                raise CommandError(f"The role {role!r} is a superuser: a runtime role must not be one.")
            cur.execute("SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = %s",
                        [audit_table])
            owner_row = cur.fetchone()
            if owner_row is None:
                raise CommandError("Run migrate first: the audit table does not exist.")
            owner = owner_row[0]
            cur.execute("SELECT pg_has_role(%s, %s, 'USAGE')", [role, owner])
            if role == owner or cur.fetchone()[0]:
                raise CommandError(f"The role {role!r} owns the tables (or is a member of {owner!r}); "
                                   "the runtime role must be a different role.")
            ident = sql.Identifier(role)
            cur.execute("SELECT current_schema(), current_database()")
            schema, database = cur.fetchone()
            schema_id = sql.Identifier(schema)
            statements = [
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), ident),
                sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema_id, ident),
                sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(schema_id, ident),
                sql.SQL(f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {{}} TO {{}}").format(schema_id, ident),
                sql.SQL(f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {{}} TO {{}}").format(schema_id,
                                                                                                       ident),
                sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(sql.Identifier(audit_table), ident),
                sql.SQL(f"GRANT {AUDIT_PRIVILEGES} ON TABLE {{}} TO {{}}").format(sql.Identifier(audit_table), ident),
                sql.SQL(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {{}} GRANT {TABLE_PRIVILEGES} ON TABLES TO {{}}").format(
                    schema_id, ident),
                sql.SQL(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {{}} GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCES TO {{}}")
                .format(schema_id, ident),
            ]
            for statement in statements:
                cur.execute(statement)
        self.stdout.write(self.style.SUCCESS(
            f"{role}: {TABLE_PRIVILEGES} on every table of {schema}, {AUDIT_PRIVILEGES} only on {audit_table}, "
            f"{SEQUENCE_PRIVILEGES} on every sequence, and the same by default on new tables and sequences."))
