"""Developer commands the Makefile runs, each as ``python -m tools.<name>``."""
