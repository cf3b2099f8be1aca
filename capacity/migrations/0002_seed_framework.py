from django.db import migrations


def seed(apps, schema_editor):
    from capacity.framework import seed_framework

    seed_framework(apps.get_model("capacity", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("capacity", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
