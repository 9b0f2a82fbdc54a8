"""The background validation of a submitted offer.

- rounds: one check row per logo and per URL for each submission, taken and finished by the
  workers, and what the offer does when the last one is done; the sweeper.
- logo: the check of one logo, and the clean copy that is served instead of the upload.
- url: the check of one URL, made so that it cannot be turned against our own network.
- messages: outcomes kept in English with their parameters, shown in the reader's language.

The Celery tasks that run them are in offers.tasks.
"""
