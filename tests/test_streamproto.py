"""streamproto: the hand-written protobuf agrees with the installed Streamlit's .proto descriptors.

This test may import Streamlit (bench.streamproto may not): it builds real BackMsg/ForwardMsg
objects and checks that what streamproto writes parses, and what it reads is what was written.
"""

from __future__ import annotations

import json

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import streamproto as sp


def number(message, path: str) -> int:
    """The field number at `path` ('a.b.c') under the descriptor of `message`."""
    descriptor = message.DESCRIPTOR
    for name in path.split("."):
        field = descriptor.fields_by_name[name]
        descriptor = field.message_type
    return field.number


@pytest.mark.parametrize(
    ("constant", "message", "path"),
    [
        (sp.BACK_RERUN_SCRIPT, BackMsg, "rerun_script"),
        (sp.CLIENT_QUERY_STRING, BackMsg, "rerun_script.query_string"),
        (sp.CLIENT_WIDGET_STATES, BackMsg, "rerun_script.widget_states"),
        (sp.CLIENT_PAGE_SCRIPT_HASH, BackMsg, "rerun_script.page_script_hash"),
        (sp.WIDGET_STATES_WIDGETS, BackMsg, "rerun_script.widget_states.widgets"),
        (sp.WIDGET_ID, BackMsg, "rerun_script.widget_states.widgets.id"),
        (sp.WIDGET_TRIGGER_VALUE, BackMsg, "rerun_script.widget_states.widgets.trigger_value"),
        (sp.WIDGET_STRING_VALUE, BackMsg, "rerun_script.widget_states.widgets.string_value"),
        (sp.WIDGET_JSON_VALUE, BackMsg, "rerun_script.widget_states.widgets.json_value"),
        (sp.FORWARD_DELTA, ForwardMsg, "delta"),
        (sp.FORWARD_SCRIPT_FINISHED, ForwardMsg, "script_finished"),
        (sp.FORWARD_PAGE_INFO_CHANGED, ForwardMsg, "page_info_changed"),
        (sp.FORWARD_REF_HASH, ForwardMsg, "ref_hash"),
        (sp.PAGE_INFO_QUERY_STRING, ForwardMsg, "page_info_changed.query_string"),
        (sp.DELTA_NEW_ELEMENT, ForwardMsg, "delta.new_element"),
        (sp.ELEMENT_EXCEPTION, ForwardMsg, "delta.new_element.exception"),
        (sp.ELEMENT_BUTTON, ForwardMsg, "delta.new_element.button"),
        (sp.ELEMENT_TEXT_INPUT, ForwardMsg, "delta.new_element.text_input"),
        (sp.ELEMENT_ALERT, ForwardMsg, "delta.new_element.alert"),
        (sp.ELEMENT_COMPONENT_INSTANCE, ForwardMsg, "delta.new_element.component_instance"),
        (sp.ELEMENT_HEADING, ForwardMsg, "delta.new_element.heading"),
        (sp.HEADING_TAG, ForwardMsg, "delta.new_element.heading.tag"),
        (sp.HEADING_BODY, ForwardMsg, "delta.new_element.heading.body"),
        (sp.BUTTON_ID, ForwardMsg, "delta.new_element.button.id"),
        (sp.BUTTON_LABEL, ForwardMsg, "delta.new_element.button.label"),
        (sp.TEXT_INPUT_ID, ForwardMsg, "delta.new_element.text_input.id"),
        (sp.COMPONENT_ID, ForwardMsg, "delta.new_element.component_instance.id"),
        (sp.COMPONENT_NAME, ForwardMsg, "delta.new_element.component_instance.component_name"),
        (sp.ALERT_BODY, ForwardMsg, "delta.new_element.alert.body"),
        (sp.ALERT_FORMAT, ForwardMsg, "delta.new_element.alert.format"),
        (sp.EXCEPTION_TYPE, ForwardMsg, "delta.new_element.exception.type"),
        (sp.EXCEPTION_MESSAGE, ForwardMsg, "delta.new_element.exception.message"),
    ],
)
def test_field_numbers_match_the_installed_streamlit(constant, message, path):
    assert constant == number(message, path)


def test_enum_values_match_the_installed_streamlit():
    from streamlit.proto.Alert_pb2 import Alert

    assert sp.SCRIPT_FINISHED_SUCCESSFULLY == ForwardMsg.FINISHED_SUCCESSFULLY
    assert sp.ALERT_FORMAT_ERROR == Alert.ERROR


def test_rerun_message_parses_as_a_backmsg():
    value = sp.map_click_value("dalu-zhang-zone", 3, lat=28.9, lng=118.9, zoom=11)
    data = sp.rerun_message(
        "feature=a&lang=zh",
        [
            sp.widget_json("$$ID-1-map", value),
            sp.widget_string("$$ID-2-w_search", "大路章"),
            sp.widget_trigger("$$ID-3-w_hit_x"),
        ],
    )
    message = BackMsg()
    message.ParseFromString(data)
    state = message.rerun_script
    assert state.query_string == "feature=a&lang=zh" and state.page_script_hash == ""
    map_state, search_state, button_state = state.widget_states.widgets
    assert map_state.id == "$$ID-1-map" and json.loads(map_state.json_value) == value
    assert search_state.string_value == "大路章"
    assert button_state.id == "$$ID-3-w_hit_x" and button_state.trigger_value is True


def _forward(build) -> bytes:
    message = ForwardMsg()
    build(message)
    return message.SerializeToString()


def test_run_result_reads_what_a_reader_sees():
    result = sp.RunResult()
    result.read(_forward(lambda m: setattr(m.page_info_changed, "query_string", "feature=gym&lang=zh")))
    result.read(
        _forward(
            lambda m: (
                setattr(m.delta.new_element.heading, "tag", "h1"),
                setattr(m.delta.new_element.heading, "body", "衢州新闻地图"),
            )
        )
    )
    result.read(
        _forward(
            lambda m: (
                setattr(m.delta.new_element.heading, "tag", "h2"),
                setattr(m.delta.new_element.heading, "body", r"衢江区体育馆\(新\)"),
            )
        )
    )
    result.read(
        _forward(
            lambda m: (
                setattr(m.delta.new_element.component_instance, "id", "$$ID-abc"),
                setattr(m.delta.new_element.component_instance, "component_name", sp.MAP_COMPONENT_NAME),
            )
        )
    )
    result.read(_forward(lambda m: setattr(m.delta.new_element.text_input, "id", "$$ID-def-w_search")))
    result.read(
        _forward(
            lambda m: (
                setattr(m.delta.new_element.button, "id", "$$ID-123-w_hit_gym"),
                setattr(m.delta.new_element.button, "label", "体育馆"),
            )
        )
    )
    assert result.finished is None
    result.read(_forward(lambda m: setattr(m, "script_finished", ForwardMsg.FINISHED_SUCCESSFULLY)))
    assert result.finished == sp.SCRIPT_FINISHED_SUCCESSFULLY
    assert result.panel_heading == "衢江区体育馆(新)"
    assert result.query == {"feature": "gym", "lang": "zh"}
    assert result.map_id == "$$ID-abc"
    assert result.widget_id_for("w_search") == "$$ID-def-w_search"
    assert result.widget_id_for("w_hit_gym") == "$$ID-123-w_hit_gym" and result.widget_id_for("w_hit_gy") is None
    assert result.errors == [] and result.references == 0


def test_run_result_collects_exceptions_and_error_alerts():
    from streamlit.proto.Alert_pb2 import Alert

    result = sp.RunResult()
    result.read(
        _forward(
            lambda m: (
                setattr(m.delta.new_element.exception, "type", "KeyError"),
                setattr(m.delta.new_element.exception, "message", "'x'"),
            )
        )
    )
    result.read(
        _forward(
            lambda m: (
                setattr(m.delta.new_element.alert, "body", "boom"),
                setattr(m.delta.new_element.alert, "format", Alert.ERROR),
            )
        )
    )
    result.read(
        _forward(
            lambda m: (
                setattr(m.delta.new_element.alert, "body", "fine"),
                setattr(m.delta.new_element.alert, "format", Alert.WARNING),
            )
        )
    )
    assert result.errors == ["exception KeyError: 'x'", "error shown: boom"]


def test_varints_round_trip():
    for value in (0, 1, 127, 128, 300, 2**31, 2**63 - 1):
        data = sp.encode_varint(value)
        assert sp._read_varint(data, 0) == (value, len(data))
