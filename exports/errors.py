"""What an export says when it cannot be made on this machine."""


class ExportUnavailable(RuntimeError):
    """The export cannot be made on this machine; the message says why in one sentence."""
