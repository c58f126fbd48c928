import datetime as dt
import doctest

import rollout.two_three as two_three
from rollout.two_three import BELOW, OVER, WITHIN, TwoThreeSettings, classify

S = TwoThreeSettings(min_classes=2, max_running=3, grace_days=90)
TODAY = dt.date(2025, 6, 30)


def test_a_trainer_promoted_today_is_not_below():
    assert classify(0, 0, TODAY, TODAY, S) == WITHIN


def test_below_only_once_the_grace_period_has_passed():
    assert classify(1, 0, TODAY - dt.timedelta(days=89), TODAY, S) == WITHIN
    assert classify(1, 0, TODAY - dt.timedelta(days=90), TODAY, S) == BELOW
    assert classify(2, 0, TODAY - dt.timedelta(days=400), TODAY, S) == WITHIN


def test_an_unknown_start_date_gets_no_grace():
    assert classify(0, 0, None, TODAY, S) == BELOW


def test_over_only_when_more_than_max_run_at_once():
    assert classify(7, 3, TODAY - dt.timedelta(days=400), TODAY, S) == WITHIN
    assert classify(4, 4, TODAY, TODAY, S) == OVER


def test_settings_are_read():
    assert classify(2, 0, None, TODAY, TwoThreeSettings(min_classes=3)) == BELOW
    assert classify(0, 0, TODAY - dt.timedelta(days=10), TODAY, TwoThreeSettings(grace_days=7)) == BELOW


def test_doctests():
    assert doctest.testmod(two_three).failed == 0
