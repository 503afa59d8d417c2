from django.db import migrations

from portal.accounts.regions import GUANGDONG_CITIES, PROVINCES


def load_regions(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    provinces = {}
    for code, name, national_class in PROVINCES:
        provinces[code], _ = Region.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": "province", "national_class": national_class},
        )
    for code, name, provincial_class in GUANGDONG_CITIES:
        Region.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": "city", "parent": provinces["440000"],
                      "provincial_class": provincial_class},
        )


def unload_regions(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    Region.objects.filter(level="city", code__in=[c for c, _, _ in GUANGDONG_CITIES]).delete()
    Region.objects.filter(code__in=[c for c, _, _ in PROVINCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load_regions, unload_regions)]
