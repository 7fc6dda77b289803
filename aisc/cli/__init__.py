"""The `aisc` command line."""
