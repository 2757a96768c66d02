"""Measurements of the course: notebook timings, training levers, the loader.

Run with ``python -m bench.bench`` (``make bench``).
"""
