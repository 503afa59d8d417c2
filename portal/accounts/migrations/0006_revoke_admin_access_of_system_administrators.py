"""System administrators work in the portal's 系统管理 screens; the Django admin is for superusers created on
the command line only. Earlier versions made every system administrator staff with a group of model
permissions: both are withdrawn here (superusers keep what they have)."""

from django.db import migrations

SYSADMIN_GROUP = "系统管理员"


def revoke(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Group = apps.get_model("auth", "Group")
    User.objects.filter(memberships__role="sysadmin", is_superuser=False).update(is_staff=False)
    Group.objects.filter(name=SYSADMIN_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_merge_20261201_1901"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(revoke, migrations.RunPython.noop)]
