"""Gradient descent, visible: a FastAPI app that streams live training curves."""
