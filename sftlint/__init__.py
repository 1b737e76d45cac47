"""sftlint: lint and gate supervised fine-tuning (SFT) chat data."""

__version__ = "0.1.0"
