"""The one marker for message ids translated where they are shown, not where they are defined."""


def N_(message: str) -> str:  # noqa: N802 - the name Babel's extractor looks for
    """Mark `message` for extraction into the catalogues; it is translated where it is shown."""
    return message
