"""Thin HTTP routers over the engine and the run service."""
