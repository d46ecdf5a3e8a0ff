import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from products.models import Product

pytestmark = pytest.mark.django_db


def png_upload(name: str = "p.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_catalogue_is_public_and_paginated(anon_client, make_product):
    for index in range(15):
        make_product(f"Item {index:02d}")
    first = anon_client.get("/api/products").json()
    assert first["count"] == 15
    assert len(first["results"]) == 12
    second = anon_client.get("/api/products?page=2").json()
    assert [p["name"] for p in second["results"]] == ["Item 12", "Item 13", "Item 14"]


def test_search_matches_name_and_description(anon_client, make_product):
    make_product("Blue Kettle")
    make_product("Red Lamp")
    names = [p["name"] for p in anon_client.get("/api/products?search=kettle").json()["results"]]
    assert names == ["Blue Kettle"]
    assert anon_client.get("/api/products?search=A Red").json()["count"] == 1


def test_product_detail_and_unknown_id(anon_client, make_product):
    product = make_product("Lamp", price="19.99")
    assert anon_client.get(f"/api/products/{product.pk}").json()["price"] == "19.99"
    response = anon_client.get("/api/products/999999")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_page_out_of_range_is_404_not_500(anon_client, make_product):
    make_product()
    assert anon_client.get("/api/products?page=99").status_code == 404
    assert anon_client.get("/api/products?page=abc").status_code == 404


def test_admin_creates_product_with_image(staff_client):
    response = staff_client.post(
        "/api/products",
        {
            "name": "Desk",
            "description": "Oak",
            "price": "120.00",
            "stock": 3,
            "image": png_upload(),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    product = Product.objects.get(pk=response.json()["id"])
    assert product.image.name.startswith("products/")
    with Image.open(product.image.path) as stored:
        assert stored.size == (8, 8)


def test_admin_updates_and_deletes_product(staff_client, make_product):
    product = make_product()
    response = staff_client.patch(f"/api/products/{product.pk}", {"stock": 42}, format="json")
    assert response.json()["stock"] == 42
    assert staff_client.delete(f"/api/products/{product.pk}").status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()


def test_customers_and_anonymous_cannot_change_the_catalogue(
    user_client, anon_client, make_product
):
    product = make_product()
    body = {"name": "Hack", "price": "0.01", "stock": 1}
    assert user_client.post("/api/products", body, format="json").status_code == 403
    assert (
        user_client.patch(f"/api/products/{product.pk}", {"price": "0"}, format="json").status_code
        == 403
    )
    assert user_client.delete(f"/api/products/{product.pk}").status_code == 403
    assert anon_client.post("/api/products", body, format="json").status_code == 401
    product.refresh_from_db()
    assert str(product.price) == "10.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "price": "-1.00", "stock": 1}, "price"),
        ({"name": "X", "price": "abc", "stock": 1}, "price"),
        ({"name": "X", "price": "1.00", "stock": -5}, "stock"),
        ({"price": "1.00", "stock": 1}, "name"),
    ],
)
def test_invalid_product_is_400(staff_client, body, field):
    response = staff_client.post("/api/products", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_oversized_image_upload_is_400(staff_client, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 1024
    response = staff_client.post(
        "/api/products",
        {"name": "Big", "price": "1.00", "stock": 1, "image": png_upload(size=(400, 400))},
        format="multipart",
    )
    assert response.status_code == 400
    assert "limit" in response.json()["image"][0]


def test_non_image_upload_is_400(staff_client):
    fake = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    response = staff_client.post(
        "/api/products",
        {"name": "Bad", "price": "1.00", "stock": 1, "image": fake},
        format="multipart",
    )
    assert response.status_code == 400
    assert "image" in response.json()


def test_seed_catalogue_loads_once_with_generated_images(capsys):
    call_command("seed_catalogue")
    count = Product.objects.count()
    assert count >= 5
    call_command("seed_catalogue")
    assert Product.objects.count() == count
    assert "0 product(s) created" in capsys.readouterr().out
    for product in Product.objects.all():
        with Image.open(product.image.path) as image:
            assert image.format == "PNG"
            assert image.size == (480, 480)


def test_oversized_request_body_is_413_not_500(anon_client, settings):
    body = (
        '{"email": "a@example.com", "password": "'
        + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
        + '"}'
    )
    response = anon_client.post("/api/auth/register", body, content_type="application/json")
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_image_urls_are_site_relative(anon_client, staff_client):
    staff_client.post(
        "/api/products",
        {"name": "Desk", "price": "1.00", "stock": 1, "image": png_upload()},
        format="multipart",
    )
    image = anon_client.get("/api/products").json()["results"][0]["image"]
    assert image.startswith("/media/products/")
    assert anon_client.get(image).status_code == 200


def _audience(client) -> tuple[int, str | None, object]:
    response = client.get("/api/catalogue/audience")
    return response.status_code, response.get("X-Catalogue-Audience"), response.json()


def test_shoppers_share_the_public_catalogue_and_staff_get_their_own(
    anon_client, user_client, staff_client, make_product
):
    make_product("Lamp")
    assert _audience(anon_client) == (200, "public", {"audience": "public"})
    assert _audience(user_client)[:2] == (200, "public")
    assert _audience(staff_client)[:2] == (200, "private")
    # What "public" promises nginx: the signed-in shopper's answer is the anonymous one.
    assert user_client.get("/api/products").json() == anon_client.get("/api/products").json()


def test_rejected_credentials_are_private_so_the_catalogue_answers_their_401(client_for, make_user):
    forged = client_for()
    forged.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert _audience(forged)[:2] == (200, "private")
    assert forged.get("/api/products").status_code == 401
    inactive = client_for(make_user("gone@example.com", is_active=False))
    assert _audience(inactive)[:2] == (200, "private")
    assert inactive.get("/api/products").status_code == 401
