class SubsidyError(Exception):
    """A refused action in the subsidies app, with a message for the user and,
    for a refused file, the problem on each of its lines."""

    def __init__(self, message="", problems=()):
        super().__init__(message)
        self.problems = list(problems)
