"""Builds the app; routers live in app/api."""
from fastapi import FastAPI

app = FastAPI(title="Gradient descent, visible")
