"""Logo files: an accepted upload kept with its clean copy, the clean copy served to whoever may
see the offer, and the clean-up of files no offer refers to.

Only the clean copy, re-encoded from the upload's pixels alone, is ever served; the upload
itself is read only by the background check. Files are only ever reached through the storage
API, never by a local path: on an object store, the web servers and the workers can be on
different machines.
"""

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404

from offers.checks.logo import check_logo
from offers.models import LOGO_FOLDER, Logo

# What a storage raises when it cannot do its work right now: the file system's OSError (a full
# or missing disk), and an object store's connection and service errors.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
# How long a browser should wait before asking again for a logo the store could not give.
RETRY_AFTER_SECONDS = 30


class StorageUnavailable(Exception):
    """The file store did not take or give a file: worth trying again a little later."""


def store(offer, slot, upload):
    """Keep the upload for the checks, and beside it the copy re-encoded from its pixels alone.
    The form accepted the upload, so re-encoding it succeeds. Returns the new Logo row; raises
    StorageUnavailable when the store does not take the files (a copy it took is left for the
    orphan clean-up)."""
    upload.seek(0)
    result = check_logo(upload.read(), slot, offer.requirements.logo_max_bytes)
    upload.seek(0)
    logo = Logo(
        offer=offer,
        slot=slot.key,
        image=upload,
        width=slot.width,
        height=slot.height,
        size_bytes=upload.size,
    )
    try:
        logo.clean_image.save("clean.png", ContentFile(result.clean_png), save=False)
        logo.save()  # which stores the upload itself first
    except STORAGE_ERRORS as error:
        raise StorageUnavailable(slot.key) from error
    return logo


def delete_files_after_commit(logo):
    """Remove a replaced logo's files once the replacement is committed, not before."""
    files = [f for f in (logo.image, logo.clean_image) if f]
    # robust: a store that is down then only leaves the files to the orphan clean-up.
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files], robust=True)


def serve_clean_copy(offer, slot):
    """The re-encoded copy of one of the offer's logos. The caller has loaded `offer` through
    the access helper of its page, so whoever asks may see it."""
    logo = get_object_or_404(offer.logos.all(), slot=slot)
    if not logo.clean_image:
        raise Http404
    try:
        handle = logo.clean_image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    except STORAGE_ERRORS:
        return _store_unavailable()
    response = FileResponse(handle, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def _store_unavailable():
    response = HttpResponse(status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def clean_orphaned_uploads(storage, *, older_than):
    """Delete logo files that no offer refers to and that were last touched before `older_than`.

    A wizard step saves the file before its database row commits; a request that fails or is
    abandoned in between, or a replaced file whose deletion failed, leaves such a file behind.
    The age limit keeps requests that are still under way safe. Returns how many went.
    """
    try:
        _dirs, names = storage.listdir(LOGO_FOLDER)
    except FileNotFoundError:
        return 0
    referenced = set(Logo.objects.values_list("image", flat=True)) | set(
        Logo.objects.values_list("clean_image", flat=True)
    )
    orphans = [
        path
        for path in (f"{LOGO_FOLDER}/{name}" for name in names)
        if path not in referenced and storage.get_modified_time(path) < older_than
    ]
    for path in orphans:
        storage.delete(path)
    return len(orphans)
