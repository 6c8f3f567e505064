"""Where the browser fetches media from, for the Content-Security-Policy's ``img-src``.

On the file system media are this site's own (``'self'``); on S3 they come from the public
domain (a CDN), or else the endpoint (path-style addresses), or else AWS's bucket host.
"""

from typing import Any
from urllib.parse import urlsplit


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def media_origins(media_url: str, storage: dict[str, Any]) -> list[str]:
    options = storage.get("OPTIONS", {})
    if "bucket_name" not in options:
        return [found] if (found := origin(media_url)) else []
    if options.get("custom_domain"):
        return [f"{options.get('url_protocol', 'https:')}//{options['custom_domain']}"]
    if options.get("endpoint_url"):
        return [origin(options["endpoint_url"])]
    return [f"https://{options['bucket_name']}.s3.amazonaws.com"]


def public_read_policy(bucket: str, prefix: str = "media") -> dict[str, Any]:
    """The bucket policy that lets anyone read (not list, not write) the files under
    ``prefix``: browsers and a CDN fetch them by their unguessable, content-hashed names."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadMedia",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/{prefix.strip('/')}/*",
            }
        ],
    }
