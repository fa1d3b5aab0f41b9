"""Errors that end a command with exit code 2 and one sentence for the user."""


class UserError(Exception):
    """Unusable input or a bad flag: the message names the file or flag and what is wrong."""


class UnusableFile(UserError):
    """A whole input file cannot be read as the format asked for; nothing from it is kept."""
