"""The numpy training engine: datasets, models, losses, optimizers and the trainer.

Pure numpy: nothing here imports web code, so it runs the same in tests, benchmarks and the app.
"""
from .config import Plan, TrainConfig, make_plan
from .datasets import DATASETS, Dataset, make_dataset
from .cadence import predict_seconds
from .steps import Boundary, Done, Eval, PathPoint, RunStatus, Step, Update, Updates
from .trainer import Trainer, run_to_end

__all__ = ["Boundary", "PathPoint", "RunStatus", "Step", "DATASETS", "Dataset", "Done", "Eval", "Plan", "TrainConfig", "Trainer", "Update", "Updates",
           "make_dataset", "make_plan", "predict_seconds", "run_to_end"]
