"""Materials get the SHA-256 of their content (duplicate uploads are refused); existing rows are
hashed from their stored files. (And the "active" box says what closing a course does.)"""

import hashlib
import logging

from django.conf import settings
from django.core.files.storage import storages
from django.db import migrations, models

logger = logging.getLogger(__name__)
CHUNK = 1024 * 1024


def file_sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backfill(apps, schema_editor):
    CourseMaterial = apps.get_model("courses", "CourseMaterial")
    storage = storages["materials"]
    for material in CourseMaterial.objects.filter(sha256="").only("pk", "file").iterator():
        try:
            sha256 = file_sha256(storage, material.file.name)
        except OSError:  # a file gone missing: the row stays unhashed, never a duplicate
            logger.warning("Material %s: file %s could not be read; not hashed", material.pk, material.file.name)
            continue
        CourseMaterial.objects.filter(pk=material.pk).update(sha256=sha256)


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0002_materials_feedback"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="course",
            name="is_active",
            field=models.BooleanField(
                default=True,
                help_text="Untick to close the course: it leaves the catalogue and becomes read-only to its enrolled students (no classroom, new feedback or submissions).",
                verbose_name="active",
            ),
        ),
        migrations.AddField(
            model_name="coursematerial",
            name="sha256",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="SHA-256"),
        ),
        migrations.AddIndex(
            model_name="coursematerial",
            index=models.Index(fields=["course", "sha256"], name="courses_material_sha256"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
