"""Page settings: one declaration parses links, checks state and formats links back, round trip."""

import math

import pytest
from streamlit.testing.v1 import AppTest

from ui import settings
from vae_core.urlstate import BadParam

K = settings.integer("k", "k", 8, 1, 32)
STRENGTH = settings.number("s", "strength", 0.3, 0.0, 1.0)
KIND = settings.choice("kind", "noise", "gaussian", ("gaussian", "occlusion"))
CLASS = settings.choice("cls", "class", 0, range(10))
LIVE = settings.flag("live", "live", True)
Z = settings.vector("z", "z", (-3, -2), (3, 2))


@pytest.mark.parametrize("s, raw, value", [
    (K, "12", 12), (STRENGTH, "0.25", 0.25), (KIND, "occlusion", "occlusion"), (CLASS, "7", 7),
    (LIVE, "0", False), (LIVE, "1", True), (Z, "1.5,-0.25", [1.5, -0.25]),
])
def test_a_link_value_parses_checks_and_formats_back(s, raw, value):
    parsed = s.parse(raw)
    assert parsed == value and s.ok(parsed if s.kind != "vector" else tuple(parsed))
    assert s.parse(s.format(parsed)) == parsed  # the link written back reads the same


@pytest.mark.parametrize("s, raw", [
    (K, "0"), (K, "33"), (K, "2.5"), (K, "nan"), (K, "x" * 1000), (STRENGTH, "inf"),
    (KIND, "lava"), (CLASS, "10"), (LIVE, "yes"), (Z, "1,2,3"), (Z, "9,0"),
])
def test_bad_link_values_are_refused_with_a_reason(s, raw):
    with pytest.raises(BadParam):
        s.parse(raw)


@pytest.mark.parametrize("s, value", [
    (K, 0), (K, 2.5), (K, True), (K, math.nan), (K, "8"), (STRENGTH, 7.5), (KIND, "lava"),
    (CLASS, 0.0), (LIVE, 1), (Z, (0.0,)), (Z, (9.0, 0.0)),
])
def test_state_a_widget_would_refuse_is_not_ok(s, value):
    assert not s.ok(value)


def test_defaults_are_acceptable_and_ranges_can_be_bound_at_run_time():
    for s in (K, STRENGTH, KIND, CLASS, LIVE, Z):
        assert s.ok(s.default)
    wide = K.bound(hi=100)
    assert wide.ok(99) and not K.ok(99) and wide.key == K.key


def _page():
    """A page that declares two settings and shares them (run under AppTest)."""
    import streamlit as st

    from ui import settings

    k = settings.integer("k", "k", 8, 1, 32)
    kind = settings.choice("kind", "noise", "gaussian", ("gaussian", "occlusion"))
    settings.use("demo", [k, kind])
    settings.slider(k, "K")
    settings.radio(kind, "Noise")
    settings.write_link(settings.query([k, kind]))
    st.write(st.session_state["k"], st.session_state["kind"])


def test_one_declaration_feeds_link_state_and_widget():
    at = AppTest.from_function(_page)
    at.query_params.update(k="12", noise="lava")
    at.run()
    assert not at.exception
    assert at.session_state["k"] == 12 and at.session_state["kind"] == "gaussian"  # bad: default
    assert "`noise`" in at.warning[0].value and "lava" in at.warning[0].value
    assert at.slider(key="k").min == 1 and at.slider(key="k").max == 32  # the widget's range
    at.slider(key="k").set_value(20).run()
    assert at.query_params["k"] == ["20"] or at.query_params["k"] == "20"
    fresh = AppTest.from_function(_page)
    fresh.session_state["k"] = 10**6  # state the widget would refuse: reset, not a traceback
    fresh.session_state["kind"] = "lava"
    fresh.run()
    assert not fresh.exception and fresh.session_state["k"] == 8
    assert fresh.session_state["kind"] == "gaussian" and not fresh.warning


def test_advance_moves_a_seed_on_and_wraps_at_its_top():
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from ui import settings

        s = settings.seed("s")
        st.session_state.setdefault("s", 9_999)
        st.session_state["seen"] = [settings.advance(s) for _ in range(3)]

    at = AppTest.from_function(page).run()
    assert at.session_state["seen"] == [10_000, 0, 1]
