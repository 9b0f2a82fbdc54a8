"""Logo files: an accepted upload kept with its clean copy, the clean copy served to whoever may
see the offer, and the clean-up of files no offer refers to.

A submitted revision's snapshot names the clean copy of each of its logos (COPIES_KEY), so that
a reviewer can set an old logo beside its replacement: those copies outlive their Logo row
and go only with the offer's revisions.

Only the clean copy, re-encoded from the upload's pixels alone, is ever served; the upload
itself is read only by the background check. Files are only ever reached through the storage
API, never by a local path: on an object store, the web servers and the workers can be on
different machines.
"""

import re

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404

from offers.checks.logo import check_logo
from offers.models import LOGO_FOLDER, Logo, OfferRevision

# What a storage raises when it cannot do its work right now: the file system's OSError (a full
# or missing disk), and an object store's connection and service errors.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
# How long a browser should wait before asking again for a logo the store could not give.
RETRY_AFTER_SECONDS = 30
# The key of a snapshot (offers.services.snapshot_answers) that names each slot's clean copy.
# Snapshots taken before it was added have none: their replaced logos are gone.
COPIES_KEY = "logo_copies"


class StorageUnavailable(Exception):
    """The file store did not take or give a file: worth trying again a little later."""


def store(offer, slot, upload):
    """Keep the upload for the checks, and beside it the copy re-encoded from its pixels alone.
    The form accepted the upload, so re-encoding it succeeds; offers.forms.LogoField has made
    the copy already (`clean_png`). Returns the new Logo row; raises StorageUnavailable when the
    store does not take the files (a copy it took is left for the orphan clean-up)."""
    clean_png = getattr(upload, "clean_png", None)
    if clean_png is None:  # an upload that did not come through the form's field
        upload.seek(0)
        clean_png = check_logo(upload.read(), slot, offer.requirements.logo_max_bytes).clean_png
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
        logo.clean_image.save("clean.png", ContentFile(clean_png), save=False)
        logo.save()  # which stores the upload itself first
    except STORAGE_ERRORS as error:
        raise StorageUnavailable(slot.key) from error
    return logo


def delete_files_after_commit(logo, *, keep=frozenset()):
    """Remove a replaced logo's files once the replacement is committed, not before; those
    named in `keep` stay."""
    files = [f for f in (logo.image, logo.clean_image) if f and f.name not in keep]
    # robust: a store that is down then only leaves the files to the orphan clean-up.
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files], robust=True)


def kept_copies(answers):
    """{slot: clean copy's name} of a revision's snapshot; {} for one taken before they were
    kept."""
    return answers.get(COPIES_KEY) or {}


def copies_kept_for(offer):
    """The names of the clean copies that the offer's submitted revisions show."""
    return {
        name
        for copies in offer.revisions.values_list(f"answers__{COPIES_KEY}", flat=True)
        for name in (copies or {}).values()
    }


def serve_clean_copy(offer, slot):
    """The re-encoded copy of one of the offer's logos. The caller has loaded `offer` through
    the access helper of its page, so whoever asks may see it."""
    logo = get_object_or_404(offer.logos.all(), slot=slot)
    if not logo.clean_image:
        raise Http404
    return _png_response(logo.clean_image.storage, logo.clean_image.name)


def serve_revision_copy(offer, number, slot):
    """The clean copy of a slot's logo as revision `number` of the offer was submitted with it,
    even if it was replaced since. The caller has loaded `offer` through its access helper."""
    revision = get_object_or_404(offer.revisions.all(), number=number)
    name = kept_copies(revision.answers).get(slot)
    # Only ever a name that Logo's upload_to gave: a snapshot cannot lead out of the folder.
    if not name or not re.fullmatch(rf"{LOGO_FOLDER}/[\w-]+\.png", name):
        raise Http404
    return _png_response(Logo._meta.get_field("clean_image").storage, name)


def _png_response(storage, name):
    try:
        handle = storage.open(name, "rb")
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
    referenced = (
        set(Logo.objects.values_list("image", flat=True))
        | set(Logo.objects.values_list("clean_image", flat=True))
        | _copies_of_all_revisions()
    )
    orphans = [
        path
        for path in (f"{LOGO_FOLDER}/{name}" for name in names)
        if path not in referenced and storage.get_modified_time(path) < older_than
    ]
    for path in orphans:
        storage.delete(path)
    return len(orphans)


def _copies_of_all_revisions():
    # Only the one key of each snapshot is read, a row at a time: there is one per submission.
    copies = OfferRevision.objects.values_list(f"answers__{COPIES_KEY}", flat=True)
    return {name for kept in copies.iterator() for name in (kept or {}).values()}
