from django.db import migrations

from portal.accounts.regions import GUANGDONG_CITIES, PROVINCES, load_reference_regions


def load_regions(apps, schema_editor):
    load_reference_regions(apps.get_model("accounts", "Region"))


def unload_regions(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    Region.objects.filter(level="city", code__in=[c for c, _, _ in GUANGDONG_CITIES]).delete()
    Region.objects.filter(code__in=[c for c, _, _ in PROVINCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load_regions, unload_regions)]
