"""First steps of every optimizer against values worked out by hand from the update equations."""
import math

import numpy as np
import pytest

from app.engine.optimizers import SGD, TINY, Adagrad, Adam, RMSprop, build_optimizer, flush


def run(opt, grads, p0=1.0):
    p = np.array([p0])
    trace = []
    for g in grads:
        opt.update(p, np.array([g]))
        trace.append(float(p[0]))
    return trace


def test_plain_sgd():
    assert run(SGD(0.1), [2.0, 2.0]) == pytest.approx([0.8, 0.6])


def test_sgd_momentum_keras_semantics():
    # v1 = -0.1*2 = -0.2, p1 = 0.8; v2 = 0.9*(-0.2) - 0.2 = -0.38, p2 = 0.42
    assert run(SGD(0.1, momentum=0.9), [2.0, 2.0]) == pytest.approx([0.8, 0.42])


def test_sgd_nesterov():
    # v1 = -0.2, p1 = 1 + 0.9*(-0.2) - 0.2 = 0.62; v2 = -0.38, p2 = 0.62 + 0.9*(-0.38) - 0.2 = 0.078
    assert run(SGD(0.1, momentum=0.9, nesterov=True), [2.0, 2.0]) == pytest.approx([0.62, 0.078])


def test_time_based_decay_uses_updates_so_far():
    # lr_t = 0.1 / (1 + 1 * t) for t = 0, 1, 2
    assert run(SGD(0.1, decay=1.0), [1.0, 1.0, 1.0]) == pytest.approx([0.9, 0.85, 0.85 - 0.1 / 3])


def test_keras_sgd_lesson_example_lr_0_01_decay_0_1_momentum_0_1():
    opt = SGD(0.01, momentum=0.1, decay=0.1)
    lrs = []
    p = np.zeros(1)
    for _ in range(3):
        lrs.append(opt.current_lr())
        opt.update(p, np.ones(1))
    assert lrs == pytest.approx([0.01, 0.01 / 1.1, 0.01 / 1.2])
    # v1 = -0.01; v2 = 0.1*v1 - 0.01/1.1; v3 = 0.1*v2 - 0.01/1.2; p = v1 + v2 + v3
    v1 = -0.01
    v2 = 0.1 * v1 - 0.01 / 1.1
    v3 = 0.1 * v2 - 0.01 / 1.2
    assert p[0] == pytest.approx(v1 + v2 + v3)


def test_adagrad():
    # a1 = 0.1 + 4 = 4.1; a2 = 4.1 + 1 = 5.1
    # Keras 3: epsilon inside the root
    p1 = 1 - 0.1 * 2 / math.sqrt(4.1 + 1e-7)
    p2 = p1 - 0.1 * 1 / math.sqrt(5.1 + 1e-7)
    assert run(Adagrad(0.1), [2.0, 1.0]) == pytest.approx([p1, p2], rel=1e-12)


def test_rmsprop():
    # a1 = 0.1 * 4 = 0.4; a2 = 0.9 * 0.4 + 0.1 * 1 = 0.46
    # Keras 3: epsilon inside the root
    p1 = 1 - 0.1 * 2 / math.sqrt(0.4 + 1e-7)
    p2 = p1 - 0.1 * 1 / math.sqrt(0.46 + 1e-7)
    assert run(RMSprop(0.1), [2.0, 1.0]) == pytest.approx([p1, p2], rel=1e-12)


def test_adam():
    # t=1: m = 0.2, v = 0.004, alpha = 0.1 * sqrt(0.001) / 0.1
    p1 = 1 - (0.1 * math.sqrt(1 - 0.999) / (1 - 0.9)) * 0.2 / (math.sqrt(0.004) + 1e-7)
    # t=2: m = 0.9*0.2 + 0.1*1 = 0.28, v = 0.999*0.004 + 0.001*1 = 0.004996
    p2 = p1 - (0.1 * math.sqrt(1 - 0.999**2) / (1 - 0.9**2)) * 0.28 / (math.sqrt(0.004996) + 1e-7)
    assert run(Adam(0.1), [2.0, 1.0]) == pytest.approx([p1, p2], rel=1e-12)
    assert 1 - p1 == pytest.approx(0.1, rel=1e-5)  # Adam's first step has size lr


def test_state_is_per_parameter():
    opt = Adagrad(0.1)
    p = np.array([1.0, 1.0])
    opt.update(p, np.array([2.0, 0.0]))
    assert p[1] == 1.0 and p[0] < 1.0
    np.testing.assert_allclose(opt.accumulator, [4.1, 0.1])


def test_build_optimizer_keeps_momentum_for_sgd_only():
    sgd = build_optimizer("sgd", 0.1, momentum=0.5, nesterov=True, decay=0.2)
    assert (sgd.momentum, sgd.nesterov, sgd.decay) == (0.5, True, 0.2)
    adam = build_optimizer("adam", 0.1, momentum=0.5, decay=0.2)
    assert isinstance(adam, Adam) and adam.decay == 0.2


def test_epsilon_inside_the_root_matters_for_a_tiny_gradient():
    # g = 1e-4: sqrt(a + eps) and sqrt(a) + eps differ by far more than rounding
    a = 0.1 * 1e-8
    keras = 1 - 0.1 * 1e-4 / math.sqrt(a + 1e-7)
    outside = 1 - 0.1 * 1e-4 / (math.sqrt(a) + 1e-7)
    assert run(RMSprop(0.1), [1e-4])[0] == pytest.approx(keras, rel=1e-12)
    assert abs(keras - outside) > 1e-3


def test_adam_three_steps_with_decay_by_hand():
    lr, b1, b2, eps, decay = 0.05, 0.9, 0.999, 1e-7, 0.5
    p, m, v, trace = 1.0, 0.0, 0.0, []
    for t, g in enumerate([0.3, -0.2, 0.7], start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        alpha = lr / (1 + decay * (t - 1)) * math.sqrt(1 - b2**t) / (1 - b1**t)
        p -= alpha * m / (math.sqrt(v) + eps)
        trace.append(p)
    assert run(Adam(lr, decay=decay), [0.3, -0.2, 0.7]) == pytest.approx(trace, rel=1e-12, abs=0)


def test_nesterov_with_decay_three_steps_by_hand():
    lr, mom, decay = 0.1, 0.9, 0.2
    p, v, trace = 1.0, 0.0, []
    for t, g in enumerate([1.0, 0.5, -0.25]):
        lr_t = lr / (1 + decay * t)
        v = mom * v - lr_t * g
        p = p + mom * v - lr_t * g
        trace.append(p)
    assert run(SGD(lr, momentum=mom, nesterov=True, decay=decay), [1.0, 0.5, -0.25]) == pytest.approx(trace, rel=1e-12, abs=0)


def test_decaying_state_below_the_smallest_normal_is_flushed_to_zero():
    # a velocity halving with no gradient: 1.5 * TINY -> 0.75 * TINY (subnormal) -> 0
    opt = SGD(0.1, momentum=0.5)
    p = np.array([1.0, 2.0, 3.0])
    opt.velocity = np.array([1.5 * TINY, 4 * TINY, np.nan])
    opt.update(p, np.zeros(3))
    assert opt.velocity[0] == 0.0 and opt.velocity[1] == 2 * TINY and math.isnan(opt.velocity[2])
    assert p[0] == 1.0 and p[1] == 2.0  # a state that small could not have moved them anyway

    rms = RMSprop(0.1)  # a <- 0.9 a + 0.1 g^2: g^2 = 1e-310 is subnormal, so a stays 0
    rms.update(np.array([1.0]), np.array([1e-155]))
    assert rms.accumulator[0] == 0.0

    adam = Adam(0.1)  # m = 0.1 g = 1e-308 < TINY -> 0; v = 0.001 g^2 -> 0; the step is 0
    q = np.array([1.0])
    adam.update(q, np.array([1e-307]))
    assert adam.m[0] == 0.0 and adam.v[0] == 0.0 and q[0] == 1.0


def test_flush_keeps_normal_values_infinities_and_signs():
    a = np.array([TINY, -TINY, TINY / 2, -TINY / 4, np.inf, -1.0, 0.0])
    flush(a)
    assert a.tolist()[:2] == [TINY, -TINY] and a[2] == 0.0 and a[3] == 0.0
    assert a[4] == np.inf and a[5] == -1.0
