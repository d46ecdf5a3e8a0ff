"""Load the demo catalogue once: products that already exist (by name) are left alone."""

import json
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from ops.locks import advisory_lock
from products.images import draw_product_png
from products.models import Product

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue.json"


class Command(BaseCommand):
    help = "Load the demo catalogue (products and generated images) once; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        entries = json.loads(FIXTURE.read_text())
        created = 0
        with advisory_lock("seed_catalogue"), transaction.atomic():
            existing = set(Product.objects.values_list("name", flat=True))
            for entry in entries:
                if entry["name"] in existing:
                    continue
                product = Product(
                    name=entry["name"],
                    description=entry["description"],
                    price=entry["price"],
                    stock=entry["stock"],
                )
                png = draw_product_png(entry["shape"], tuple(entry["colour"]))
                product.image.save(f"{slugify(entry['name'])}.png", ContentFile(png), save=False)
                product.save()
                created += 1
        self.stdout.write(
            f"seed_catalogue: {created} product(s) created, "
            f"{len(entries) - created} already present"
        )
