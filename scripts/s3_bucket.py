"""Create the media bucket on S3-compatible storage with the policy the app expects.

    .venv/bin/python scripts/s3_bucket.py BUCKET [--endpoint URL] [--region REGION] [--prefix media]

Creates BUCKET if it does not exist, and sets its policy to public reads of the files under
PREFIX (hrcity/media.py ``public_read_policy``): the site links to them directly. Credentials
come from boto3's usual places (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an
instance role). CI runs it against moto's standalone server (.ci/run); on a real provider,
an administrator may do the same in its console instead.
"""

import argparse
import json
import sys
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hrcity.media import public_read_policy


def ensure_public_bucket(
    bucket: str, endpoint: str | None = None, region: str | None = None, prefix: str = "media"
) -> None:
    client = boto3.client("s3", endpoint_url=endpoint, region_name=region or "us-east-1")
    existing = {found["Name"] for found in client.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        options = {}
        if region and region != "us-east-1":
            options["CreateBucketConfiguration"] = {"LocationConstraint": region}
        client.create_bucket(Bucket=bucket, **options)
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket, prefix)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bucket")
    parser.add_argument("--endpoint", help="e.g. http://127.0.0.1:5000 (none: AWS)")
    parser.add_argument("--region")
    parser.add_argument("--prefix", default="media")
    args = parser.parse_args(argv)
    ensure_public_bucket(args.bucket, args.endpoint, args.region, args.prefix)
    print(f"Bucket {args.bucket} ready: public reads of {args.prefix}/*")


if __name__ == "__main__":
    main()
