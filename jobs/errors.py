class JobError(Exception):
    """A refused action in the jobs app, with a message for the user;
    `retry_after` (seconds) when it is refused only for now (too many at once)."""

    def __init__(self, *args, retry_after: int | None = None):
        super().__init__(*args)
        self.retry_after = retry_after
