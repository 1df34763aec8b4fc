"""The warm-up run scripts/serve.sh asks of each replica: its hand-written protobuf agrees with the
installed Streamlit's descriptors, and it really runs the app's page (a real `streamlit run`)."""

from __future__ import annotations

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.appserver import free_port, serve_app
from mapapp.app import warmup


def test_field_numbers_match_the_installed_streamlit():
    rerun = BackMsg.DESCRIPTOR.fields_by_name["rerun_script"]
    assert rerun.number == warmup.BACK_RERUN_SCRIPT
    assert rerun.message_type.fields_by_name["query_string"].number == warmup.CLIENT_QUERY_STRING
    assert rerun.message_type.fields_by_name["page_script_hash"].number == warmup.CLIENT_PAGE_SCRIPT_HASH
    assert ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"].number == warmup.FORWARD_SCRIPT_FINISHED
    assert warmup.SCRIPT_FINISHED_SUCCESSFULLY == ForwardMsg.FINISHED_SUCCESSFULLY


def test_rerun_message_parses_as_a_backmsg_asking_for_a_run():
    message = BackMsg.FromString(warmup.rerun_message("feature=衢江区体育馆"))
    assert message.WhichOneof("type") == "rerun_script"
    assert message.rerun_script.query_string == "feature=衢江区体育馆"
    assert message.rerun_script.page_script_hash == ""


def test_the_end_of_a_run_is_read_from_a_real_forwardmsg():
    finished = ForwardMsg(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY)
    finished.metadata.delta_path.extend([0, 3])
    assert warmup.script_finished_status(finished.SerializeToString()) == 0
    stopped = ForwardMsg(script_finished=ForwardMsg.FINISHED_EARLY_FOR_RERUN)
    assert warmup.script_finished_status(stopped.SerializeToString()) == ForwardMsg.FINISHED_EARLY_FOR_RERUN
    delta = ForwardMsg()
    delta.delta.new_element.markdown.body = "衢州"
    assert warmup.script_finished_status(delta.SerializeToString()) is None


def test_no_server_on_the_port_is_an_error_that_says_where():
    port = free_port()
    with pytest.raises(warmup.WarmUpError, match=rf"ws://127\.0\.0\.1:{port}/_stcore/stream: "):
        warmup.warm_up("127.0.0.1", port, timeout_s=0.5)


def test_the_warm_up_runs_the_page_to_its_end(tmp_path):
    from mapapp.app.placefiles import PLACEDATA_DIR, source_key
    from mapapp.app.previewfiles import preview_file
    from mapapp.datadirs import BUNDLED

    firsts = [preview_file(PLACEDATA_DIR / source_key(BUNDLED), lang, "osm") for lang in ("zh", "en")]
    for path in firsts:
        path.unlink(missing_ok=True)
    with serve_app(tmp_path / "app.log") as server:
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        assert warmup.main(["--port", str(port)]) == 0
        assert all(path.is_file() for path in firsts)  # a phone's first map in each language, written
        assert warmup.warm_up("127.0.0.1", port, query_string="feature=dalu-zhang-zone") > 0


def test_serve_reads_streamlits_options_as_given():
    from mapapp.app.serve import option_value

    args = ["--server.port", "8600", "--server.address=127.0.0.1", "--server.port=8601", "--server.headless"]
    assert option_value(args, "--server.port") == "8601"  # the last one wins, as with click
    assert option_value(args, "--server.address") == "127.0.0.1"
    assert option_value(args, "--server.headless") is None  # a flag at the end has no value
    assert option_value(args, "--server.baseUrlPath") is None


def test_the_served_app_runs_its_page_once_as_soon_as_it_answers(tmp_path):
    # python -m mapapp.app.serve: Streamlit's server, and a run of the page through its own port at start
    import time

    with serve_app(tmp_path / "app.log", self_warm_up=True) as server:
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        said = f"warm-up: 127.0.0.1:{port} ran the page in "
        deadline = time.monotonic() + 120
        while said not in server.log_path.read_text(encoding="utf-8", errors="replace"):
            assert time.monotonic() < deadline, server.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            time.sleep(0.2)
        assert warmup.warm_up("127.0.0.1", port, query_string="feature=dalu-zhang-zone") > 0  # and serves readers
