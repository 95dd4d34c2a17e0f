"""Allocation: the computed proposal of amounts within the frame (fordeling)."""
