"""Benchmark of the background logo check against the floor any rule-keeping check pays.

Run with `.venv/bin/python bench/logos.py`. It builds four logos, one per slot of the current
requirements, that look like real ones (RGBA gradients, noise, a soft-edged shape) so that they
do not compress to nothing, and times one offer's logos both ways, interleaved, many rounds.

The rules ask for Pillow's `verify()` and a full `load()` of every pixel, so no check that keeps
them can cost less than opening, verifying and loading the same files: that floor is the
baseline. The time is reported as the median of `check_logo` on all four divided by the median
of that floor on all four, so the number means the same on any machine. Exit status 1 means the
ratio is above MAX_RATIO. The ratio to a bare `verify()` is printed for information only.

The check is timed as the worker runs it: without the clean copy, which is made once at upload.
"""

import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_RATIO = 1.1
WARMUP_ROUNDS = 20
TIMED_ROUNDS = 300


def configure_django():
    """Settings come from the environment; give them safe values before Django reads them."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")

    import django

    django.setup()


def realistic_logo(width, height, seed):
    """PNG bytes of an RGBA logo: colour gradients with grain, on a shape with soft edges."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    grain = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    blue = Image.blend(red.rotate(90).resize((width, height)), grain, 0.35)
    alpha = Image.new("L", (width, height), 0)
    ImageDraw.Draw(alpha).rounded_rectangle(
        (2, 2, width - 3, height - 3), radius=min(width, height) // 4, fill=255
    )
    alpha = alpha.filter(ImageFilter.GaussianBlur(1.5))
    logo = Image.merge("RGBA", (Image.blend(red, grain, 0.2), green, blue, alpha))
    buffer = io.BytesIO()
    logo.save(buffer, format="PNG")
    return buffer.getvalue()


def bare_verify(logos):
    from PIL import Image

    for data, _slot in logos:
        Image.open(io.BytesIO(data), formats=["PNG"]).verify()


def bare_verify_and_load(logos):
    """The least any check that keeps the rules can do: verify, then decode every pixel."""
    from PIL import Image

    for data, _slot in logos:
        Image.open(io.BytesIO(data), formats=["PNG"]).verify()
        Image.open(io.BytesIO(data), formats=["PNG"]).load()


def full_check(logos):
    from offers.checks.logo import check_logo
    from offers.requirements import get_profile

    max_bytes = get_profile().logo_max_bytes
    for data, slot in logos:
        result = check_logo(data, slot, max_bytes, make_clean_copy=False)
        if not result.passed:
            raise SystemExit(f"The benchmark logo for {slot.key} failed: {result.message}")


def measure(ways, logos):
    """Median seconds of each way over the timed rounds. The order rotates every round, so
    that cache warmth and clock drift favour no way."""
    times = {way: [] for way in ways}
    for round_number in range(WARMUP_ROUNDS + TIMED_ROUNDS):
        shift = round_number % len(ways)
        for way in ways[shift:] + ways[:shift]:
            start = time.perf_counter()
            way(logos)
            if round_number >= WARMUP_ROUNDS:
                times[way].append(time.perf_counter() - start)
    return {way: statistics.median(samples) for way, samples in times.items()}


def main():
    configure_django()
    from offers.requirements import get_profile

    profile = get_profile()
    logos = [
        (realistic_logo(slot.width, slot.height, seed), slot)
        for seed, slot in enumerate(profile.logo_slots)
    ]
    sizes = ", ".join(f"{slot.key} {len(data)} B" for data, slot in logos)
    print(f"Logos: {sizes}; {TIMED_ROUNDS} rounds after {WARMUP_ROUNDS} warm-up rounds.")

    medians = measure([full_check, bare_verify, bare_verify_and_load], logos)
    check, verify, floor = medians[full_check], medians[bare_verify], medians[bare_verify_and_load]
    ratio = check / floor
    print(f"check_logo, four logos:          median {check * 1000:.3f} ms")
    print(f"the floor: open, verify and load: median {floor * 1000:.3f} ms")
    print(
        f"(for information: a bare verify, four logos: median {verify * 1000:.3f} ms; "
        f"check_logo is {check / verify:.2f}x that)"
    )
    verdict = "PASS" if ratio <= MAX_RATIO else "FAIL"
    print(f"Ratio {ratio:.2f} (target at most {MAX_RATIO:g}): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
