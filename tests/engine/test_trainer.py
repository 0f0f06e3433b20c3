import math
from dataclasses import replace

import numpy as np
import pytest

from app.engine import Done, Eval, Trainer, Updates, make_dataset, make_plan, run_to_end
from tests.support.configs import train_config


def updates(steps):
    return [u for s in steps if isinstance(s, Updates) for u in s.expand()]


def evals(steps):
    return [s for s in steps if isinstance(s, Eval)]


@pytest.mark.parametrize("batch_size, per_epoch, total", [(None, 1, 20), (1, 1000, 20000), (100, 10, 200)])
def test_lesson_table_1000_examples_20_epochs(batch_size, per_epoch, total):
    config = train_config(n_samples=1000, epochs=20, batch_size=batch_size)
    plan = make_plan(config)
    assert (plan.iterations_per_epoch, plan.total_updates) == (per_epoch, total)
    _, steps = run_to_end(config)
    assert [u.update for u in updates(steps)] == list(range(1, total + 1))
    assert steps[-1] == Done("completed", total)


def test_lesson_table_60000_examples_batch_100():
    config = train_config(n_samples=60000, batch_size=100, epochs=10)
    plan = make_plan(config)
    assert plan.iterations_per_epoch == 600 and plan.total_updates == 6000
    _, steps = run_to_end(config)
    assert len(updates(steps)) == 6000


def test_variants_named_by_batch_size():
    assert make_plan(train_config(batch_size=None)).variant == "full-batch"
    assert make_plan(train_config(batch_size=5000)).variant == "full-batch"
    assert make_plan(train_config(batch_size=1)).variant == "sgd"
    assert make_plan(train_config(batch_size=100)).variant == "mini-batch"


def test_last_smaller_batch_is_kept():
    config = train_config(n_samples=10, batch_size=3, epochs=2, shuffle=False)
    assert make_plan(config).iterations_per_epoch == 4
    trainer = Trainer(config, compiled=False)  # the reference path, whose model we can watch
    seen = []
    original = trainer.model.forward
    trainer.model.forward = lambda x, training=False: (seen.append(len(x)) if training else None) or original(x, training)
    list(trainer.steps())
    assert seen == [3, 3, 3, 1] * 2


def test_full_batch_gd_reaches_closed_form_least_squares():
    config = train_config(n_samples=200, batch_size=None, epochs=400, learning_rate=0.3, normalize=True)
    trainer, steps = run_to_end(config)
    d = trainer.data
    A = np.column_stack([d.X_train[:, 0], np.ones(d.n_train)])
    (w, b), *_ = np.linalg.lstsq(A, d.y_train[:, 0], rcond=None)
    params = trainer.final_params
    assert params["w"][0] == pytest.approx(w, abs=1e-8)
    assert params["b"] == pytest.approx(b, abs=1e-8)
    min_loss = np.mean((A @ [w, b] - d.y_train[:, 0]) ** 2)
    assert evals(steps)[-1].train_loss == pytest.approx(min_loss, rel=1e-10)


def test_one_full_batch_step_matches_the_gradient_by_hand():
    config = train_config(n_samples=50, batch_size=None, epochs=1, learning_rate=0.1)
    trainer = Trainer(config)
    w0, b0 = trainer.initial_params["w"][0], trainer.initial_params["b"]
    x, y = trainer.data.X_train[:, 0], trainer.data.y_train[:, 0]
    r = w0 * x + b0 - y
    steps = list(trainer.steps())
    assert updates(steps)[0].loss == pytest.approx(np.mean(r**2))
    assert trainer.final_params["w"][0] == pytest.approx(w0 - 0.1 * np.mean(2 * r * x))
    assert trainer.final_params["b"] == pytest.approx(b0 - 0.1 * np.mean(2 * r))


def test_same_config_same_numbers():
    config = train_config(dataset="moons", model="mlp", batch_size=16, epochs=3, batch_norm=True, validation_split=0.2)
    def numbers(steps):
        return updates(steps), [s for s in steps if not isinstance(s, Updates)]

    a = numbers(run_to_end(config)[1])
    b = numbers(run_to_end(config)[1])
    assert a == b
    c = numbers(run_to_end(train_config(dataset="moons", model="mlp", batch_size=16, epochs=3, batch_norm=True,
                                       validation_split=0.2, seed=1))[1])
    assert a != c


def test_runs_with_one_seed_share_data_and_initial_weights():
    a = Trainer(train_config(batch_size=1))
    b = Trainer(train_config(batch_size=None, learning_rate=0.5))
    np.testing.assert_array_equal(a.data.X_train, b.data.X_train)
    assert a.initial_params == b.initial_params


def test_evaluations_start_at_zero_and_land_on_every_epoch_end():
    config = train_config(n_samples=500, batch_size=1, epochs=3, validation_split=0.2)
    _, steps = run_to_end(config)
    ev = evals(steps)
    assert ev[0].update == 0 and ev[0].epoch == 0
    per_epoch = 400
    assert {400, 800, 1200} <= {e.update for e in ev}
    assert [e.update for e in ev] == sorted({e.update for e in ev})  # no update evaluated twice
    assert all(e.val_loss is not None for e in ev)
    assert ev[-1].epoch == 3.0 and ev[1].epoch == pytest.approx(ev[1].update / per_epoch)
    assert len(ev) <= 110  # bounded cadence


@pytest.mark.parametrize("compiled", [True, False])
def test_an_evaluation_hands_its_full_gradient_to_the_next_noise_measurement_bit_for_bit(compiled):
    config = train_config(dataset="moons", model="mlp", hidden=(8,), activation="tanh", batch_size=16,
                          n_samples=400, epochs=10, validation_split=0.2)
    cadence = Trainer(config, measure_noise=True).cadence
    assert cadence.share_gradient and cadence.noise_every == make_plan(config).iterations_per_epoch  # noise at each epoch's first update

    def run(cadence):
        trainer = Trainer(config, measure_noise=True, compiled=compiled, cadence=cadence)
        forward, passes = trainer.model.forward, []
        trainer.model.forward = lambda X, training=False: passes.append(1) or forward(X, training)
        return list(trainer.steps()), len(passes)

    with_sharing, passes_shared = run(cadence)
    alone, passes_alone = run(replace(cadence, share_gradient=False))
    assert passes_alone - passes_shared == 10  # one forward pass over the training set saved per epoch
    cosines = [u.grad_cosine for u in updates(with_sharing) if u.grad_cosine is not None]
    assert len(cosines) == 10
    assert cosines == [u.grad_cosine for u in updates(alone) if u.grad_cosine is not None]
    assert evals(with_sharing) == evals(alone) and updates(with_sharing) == updates(alone)


def test_eval_losses_are_whole_set_losses():
    config = train_config(n_samples=300, batch_size=30, epochs=2, validation_split=0.1)
    trainer, steps = run_to_end(config)
    d = trainer.data
    w, b = trainer.final_params["w"][0], trainer.final_params["b"]
    last = evals(steps)[-1]
    assert last.train_loss == pytest.approx(np.mean((w * d.X_train + b - d.y_train) ** 2))
    assert last.val_loss == pytest.approx(np.mean((w * d.X_val + b - d.y_val) ** 2))


def test_big_sets_are_evaluated_on_a_fixed_subset():
    config = train_config(n_samples=20000, batch_size=1000, epochs=1)
    trainer, steps = run_to_end(config)
    w, b = trainer.final_params["w"][0], trainer.final_params["b"]
    full = np.mean((w * trainer.data.X_train + b - trainer.data.y_train) ** 2)
    assert evals(steps)[-1].train_loss == pytest.approx(full, rel=0.1)


def test_divergence_stops_the_run_with_status_diverged():
    trainer, steps = run_to_end(train_config(learning_rate=10, batch_size=None, epochs=1000))
    assert steps[-1].status == "diverged"
    assert steps[-1].updates == len(updates(steps)) < 1000
    assert trainer.status == "diverged"


def test_nan_loss_counts_as_diverged():
    trainer = Trainer(train_config(n_samples=20, batch_size=5, epochs=2), compiled=False)
    update = trainer.optimizer.update

    def poisoned(params, grads):  # the first update leaves NaN parameters behind
        update(params, grads)
        params[:] = np.nan

    trainer.optimizer.update = poisoned
    steps = list(trainer.steps())
    assert steps[-1] == Done("diverged", 2)
    assert math.isfinite(updates(steps)[0].loss) and math.isnan(updates(steps)[1].loss)


def test_nan_initial_parameters_diverge_before_any_update():
    trainer = Trainer(train_config(n_samples=20, batch_size=5, epochs=2))
    trainer.model.params[:] = np.nan
    steps = list(trainer.steps())
    assert steps[-1] == Done("diverged", 0) and not updates(steps) and not evals(steps)


def test_a_non_finite_evaluation_ends_the_run_without_reporting_it():
    trainer = Trainer(train_config(n_samples=20, batch_size=5, epochs=3))
    loss, calls = trainer.evaluator.loss, []

    def broken_after_two(X, y):
        calls.append(1)
        return loss(X, y) if len(calls) <= 2 else math.inf

    trainer.evaluator.loss = broken_after_two
    steps = list(trainer.steps())
    assert steps[-1] == Done("diverged", 8)  # the evaluation at the second epoch end is not finite
    assert [e.update for e in evals(steps)] == [0, 4]


def test_classification_runs_learn():
    for model in ("logistic", "mlp"):
        config = train_config(dataset="moons", model=model, optimizer="adam", batch_size=32, epochs=10,
                             validation_split=0.2)
        _, steps = run_to_end(config)
        ev = evals(steps)
        assert steps[-1].status == "completed"
        assert ev[-1].train_loss < 0.5 * ev[0].train_loss


def test_mse_on_classes_regresses_one_hot_targets():
    config = train_config(dataset="digits", model="linear", loss="mse", batch_size=64, epochs=2)
    trainer, steps = run_to_end(config)
    assert steps[-1].status == "completed"
    assert evals(steps)[-1].train_loss < evals(steps)[0].train_loss


def test_initial_and_final_params_are_exposed():
    trainer, _ = run_to_end(train_config(epochs=1))
    assert set(trainer.initial_params) == {"w", "b"} == set(trainer.final_params)
    assert trainer.initial_params != trainer.final_params


def test_dataset_can_be_passed_in():
    data = make_dataset("linear", 100, seed=5)
    trainer = Trainer(train_config(n_samples=100, seed=5), data=data)
    assert trainer.data is data
