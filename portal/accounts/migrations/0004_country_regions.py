from django.db import migrations

from portal.accounts.regions import GUANGDONG_CITIES, PROVINCES, country_rows, load_country_regions


def load(apps, schema_editor):
    load_country_regions(apps.get_model("accounts", "Region"))


def unload(apps, schema_editor):
    """Remove what this migration added (districts, then cities outside Guangdong) where nothing refers to it."""
    Region = apps.get_model("accounts", "Region")
    keep = {c for c, _, _ in GUANGDONG_CITIES} | {c for c, _, _ in PROVINCES}
    added = [r["code"] for r in country_rows() if r["code"] not in keep]
    for level in ("district", "city"):
        Region.objects.filter(level=level, code__in=added, organizations__isnull=True,
                              children__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_region_levels_and_kinds")]
    operations = [migrations.RunPython(load, unload)]
