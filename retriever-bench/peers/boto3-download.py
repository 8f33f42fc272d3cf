#!/usr/bin/env python3
"""A benchmark peer: boto3's download_file, with its default TransferConfig, for every object
under a prefix, one object after another (as a script built on boto3 usually does).

usage: boto3-download.py ENDPOINT REGION BUCKET PREFIX DEST
Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. The endpoint is passed
explicitly: older boto3 releases ignore AWS_ENDPOINT_URL.
"""
import os
import sys

import boto3
from botocore.config import Config


def main():
    endpoint, region, bucket, prefix, dest = sys.argv[1:6]
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint or None,
        region_name=region,
        config=Config(s3={"addressing_style": "path"}),
    )
    objects = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", []):
            key = entry["Key"]
            if key.endswith("/"):
                continue
            path = os.path.join(dest, key[len(prefix):])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            s3.download_file(bucket, key, path)
            objects += 1
    print('{"objects": %d}' % objects)


if __name__ == "__main__":
    main()
