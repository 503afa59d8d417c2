"""Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEY.

Rotation, step by step (README, 数据保护与审计):
1. generate a new key and put it first: FIELD_ENCRYPTION_KEY=NEW,OLD; restart web and worker;
2. python manage.py rotate_field_key        (every value is now encrypted with NEW);
3. remove OLD: FIELD_ENCRYPTION_KEY=NEW; restart.
"""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from portal.audit.services import record_event
from portal.crypto import encrypted_fields, rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEY (after adding a new key)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch, **options):
        q = connection.ops.quote_name
        total = 0
        for model, names in encrypted_fields():
            table = q(model._meta.db_table)
            pk = q(model._meta.pk.column)
            columns = [q(model._meta.get_field(n).column) for n in names]
            pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), batch):
                chunk = pks[start:start + batch]
                marks = ", ".join(["%s"] * len(chunk))
                with transaction.atomic(), connection.cursor() as cur:
                    # The stored tokens themselves: re-encrypted with the first key, the clear text never kept.
                    cur.execute(f"SELECT {pk}, {', '.join(columns)} FROM {table} WHERE {pk} IN ({marks})",  # noqa: S608
                                chunk)
                    for row_pk, *tokens in cur.fetchall():
                        new = [rotate(t) if t else t for t in tokens]
                        sets = ", ".join(f"{c} = %s" for c in columns)
                        cur.execute(f"UPDATE {table} SET {sets} WHERE {pk} = %s", [*new, row_pk])  # noqa: S608
                total += len(chunk)
            self.stdout.write(f"  {model._meta.db_table}: {len(pks)} rows ({', '.join(names)})")
        record_event(verb="crypto.key_rotated", data={"rows": total})
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} rows with the first key."))
