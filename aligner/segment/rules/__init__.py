"""Data only: the SRX rules shipped with the aligner (read with importlib.resources)."""
