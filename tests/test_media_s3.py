"""Media on S3-compatible object storage, end to end, against moto's standalone server.

CI (.ci/run) starts ``moto_server``, creates the bucket with its public-read policy
(scripts/s3_bucket.py) and points these tests at it with ``S3_TEST_ENDPOINT`` (and
``S3_TEST_BUCKET``). Run alone, they start moto's server in this process on a free port and
prepare the bucket the same way.
"""

import importlib.util
import io
import json
import os
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image as PillowImage

from .factories import make_milestone
from .media_files import PDF, image_bytes, jpeg_with_gps, make_document, make_image

pytestmark = [pytest.mark.s3, pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "media"


def load_bucket_script():
    spec = importlib.util.spec_from_file_location("s3_bucket", ROOT / "scripts" / "s3_bucket.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def s3_endpoint():
    # moto accepts any credentials; boto3 needs some to sign with.
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    endpoint = os.environ.get("S3_TEST_ENDPOINT")
    if endpoint:
        yield endpoint
        return
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        pytest.skip("moto[server] is not installed (pip install -e '.[dev]')")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint):
    """The site's media on the bucket, configured as hrcity/settings.py does from
    DJANGO_S3_* variables; the boto3 client to look at the bucket directly."""
    import boto3

    bucket = os.environ.get("S3_TEST_BUCKET", "hrcity-test-media")
    load_bucket_script().ensure_public_bucket(bucket, s3_endpoint, "us-east-1", PREFIX)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "location": PREFIX,
                "querystring_auth": False,
                "default_acl": None,
                "file_overwrite": True,
                "object_parameters": {"CacheControl": settings.MEDIA_CACHE_CONTROL},
            },
        },
    }
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    return client, bucket, s3_endpoint


def fetch_anonymously(url):
    """As a browser would: no credentials, no signature."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_the_bucket_allows_public_reads_of_media_only(s3):
    client, bucket, _ = s3
    policy = json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == "*"
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == f"arn:aws:s3:::{bucket}/{PREFIX}/*"


def test_an_image_goes_to_the_bucket_with_its_renditions_and_is_served_from_there(client, s3):
    s3_client, bucket, endpoint = s3
    image = make_image(content=jpeg_with_gps(size=(1000, 750)), name="phone.jpg")

    stored = {
        item["Key"]
        for item in s3_client.list_objects_v2(Bucket=bucket, Prefix=f"{PREFIX}/images/")["Contents"]
    }
    names = [image.file.name, *(n for sizes in image.renditions.values() for n in sizes.values())]
    assert {f"{PREFIX}/{name}" for name in names} <= stored
    head = s3_client.head_object(Bucket=bucket, Key=f"{PREFIX}/{image.renditions['jpg']['640']}")
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert head["ContentType"] == "image/jpeg"

    with translation.override("en"):
        html = client.get(image.milestone.get_absolute_url()).content.decode()
    rendition_url = f"{endpoint}/{bucket}/{PREFIX}/{image.renditions['webp']['640']}"
    assert f"{rendition_url} 640w" in html

    status, _headers, body = fetch_anonymously(f"{endpoint}/{bucket}/{PREFIX}/{image.file.name}")
    assert status == 200
    fetched = PillowImage.open(io.BytesIO(body))
    assert fetched.format == "JPEG"
    assert not fetched.getexif().get_ifd(0x8825)  # stripped before it ever left the server


def test_a_document_on_the_bucket_is_linked_with_its_size(client, s3):
    s3_client, bucket, endpoint = s3
    document = make_document(record=make_milestone())
    key = f"{PREFIX}/{document.file.name}"
    assert s3_client.head_object(Bucket=bucket, Key=key)["ContentType"] == "application/pdf"
    with translation.override("en"):
        html = client.get(document.milestone.get_absolute_url()).content.decode()
    assert f'href="{endpoint}/{bucket}/{key}"' in html
    status, _, body = fetch_anonymously(f"{endpoint}/{bucket}/{key}")
    assert (status, body) == (200, PDF)


def test_the_open_data_points_at_the_bucket(client, s3):
    _, bucket, endpoint = s3
    image = make_image(content=image_bytes(size=(400, 300)))
    rows = client.get(reverse("timeline:export-json")).json()
    (row,) = [row for row in rows if row["slug"] == image.milestone.slug]
    assert row["images"][0]["url"] == f"{endpoint}/{bucket}/{PREFIX}/{image.file.name}"


def test_the_environment_configures_s3_storage_and_the_csp_follows_it():
    """Production's settings from DJANGO_S3_* alone: the storage, its public and cacheable
    URLs, and the Content-Security-Policy allowing the media host."""
    from .production import run_production

    script = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
print(json.dumps({
    "url": default_storage.url("images/ab/abc-640w.webp"),
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "cache_control": default_storage.object_parameters["CacheControl"],
    "serve_media": settings.SERVE_MEDIA,
}))
"""
    result = run_production(
        "-c",
        script,
        DJANGO_S3_BUCKET="hrcity-media",
        DJANGO_S3_ENDPOINT_URL="https://kr.object.ncloudstorage.com",
        DJANGO_S3_REGION="kr-standard",
        DJANGO_S3_ACCESS_KEY_ID="key",
        DJANGO_S3_SECRET_ACCESS_KEY="secret",
        DJANGO_S3_PUBLIC_DOMAIN="media.hr.example.org",
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["url"] == "https://media.hr.example.org/media/images/ab/abc-640w.webp"
    assert "https://media.hr.example.org" in found["img_src"]
    assert found["cache_control"] == "public, max-age=31536000, immutable"
    assert found["serve_media"] is False
