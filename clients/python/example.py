#!/usr/bin/env python3
"""Calls fpgw from Python: evaluates a token with a deadline, reads the normalised fields, pages
through a device's history, and reads google.rpc.ErrorInfo / RetryInfo from failed calls.

    python example.py [ADDRESS]

ADDRESS defaults to $FPGW_ADDRESS, then 127.0.0.1:50051. The channel uses the retry policy and
per-method timeouts of $FPGW_SERVICE_CONFIG (default: ../service_config.json). Stubs come from
`generate.sh` (grpcio-tools) into gen/.
"""

import json
import os
import sys
from pathlib import Path

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "gen"))

from fpgw.v1 import evaluation_pb2, evaluation_service_pb2, evaluation_service_pb2_grpc  # noqa: E402


def open_channel(address: str) -> grpc.Channel:
    """A plaintext channel with the shared service config (retries, per-method timeouts)."""
    config_path = os.environ.get("FPGW_SERVICE_CONFIG", str(HERE.parent / "service_config.json"))
    service_config = json.dumps(json.loads(Path(config_path).read_text()))
    return grpc.insecure_channel(
        address,
        options=[("grpc.service_config", service_config), ("grpc.enable_retries", 1)],
    )


def evaluate(stub: evaluation_service_pb2_grpc.EvaluationServiceStub, token: str) -> None:
    request = evaluation_service_pb2.EvaluateRequest(
        token=token,
        fingerprint=evaluation_service_pb2.FingerprintOptions(ruleset_id="rs_demo"),
    )
    # The deadline covers fpgw's vendor call too: fpgw derives the vendor timeout from it.
    response = stub.Evaluate(request, timeout=2.0)
    ev = response.evaluation
    print("evaluate.vendor:", evaluation_pb2.Vendor.Name(ev.source.vendor))
    print("evaluate.api_version:", ev.source.api_version)
    print("evaluate.integration:", ev.source.integration)
    print("evaluate.device_id:", ev.identity.device_id)
    print("evaluate.event_id:", ev.identity.event_id)
    # `confidence` is optional: unset means the vendor gave none, which is not 0.
    if ev.identity.HasField("confidence"):
        print(f"evaluate.confidence: {ev.identity.confidence:.2f}")
    print("evaluate.returning_visitor:", evaluation_pb2.Tristate.Name(ev.identity.returning_visitor))
    print("evaluate.action:", evaluation_pb2.Action.Name(ev.verdict.action))
    print("evaluate.bot:", evaluation_pb2.BotResult.Name(ev.signals.bot.result))
    print("evaluate.vpn:", evaluation_pb2.Tristate.Name(ev.signals.vpn.signal.detected))
    print("evaluate.country_code:", ev.network.geolocation.country_code)
    print("evaluate.browser:", ev.client.browser_name, ev.client.browser_major_version)


def history(stub: evaluation_service_pb2_grpc.EvaluationServiceStub, device: str) -> None:
    request = evaluation_service_pb2.ListDeviceEvaluationsRequest(device=device, page_size=10)
    pages = total = 0
    while True:
        response = stub.ListDeviceEvaluations(request, timeout=5.0)
        pages += 1
        total += len(response.evaluations)
        newest = response.evaluations[0].identity.event_id if response.evaluations else "-"
        print(f"history.page: {pages} {len(response.evaluations)} {newest}")
        if not response.next_page_token:
            break
        request.page_token = response.next_page_token  # same request fields, next page
    print("history.device_id:", response.device_id)
    print("history.pages:", pages)
    print("history.evaluations:", total)


def describe_error(label: str, error: grpc.RpcError) -> None:
    """Reads the canonical code and the google.rpc details fpgw puts in the trailers."""
    print(f"{label}.code:", error.code().name)
    print(f"{label}.message:", error.details())
    status = rpc_status.from_call(error)  # google.rpc.Status, or None without details
    for detail in status.details if status else []:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            print(f"{label}.reason:", info.reason)
            print(f"{label}.domain:", info.domain)
            print(f"{label}.vendor_code:", info.metadata.get("vendor_code", ""))
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            # Wait at least this long before trying again (the channel already retried briefly).
            print(f"{label}.retry_delay_ms:", retry.retry_delay.ToMilliseconds())


def expect_error(label: str, stub: evaluation_service_pb2_grpc.EvaluationServiceStub, token: str) -> None:
    try:
        stub.Evaluate(evaluation_service_pb2.EvaluateRequest(token=token), timeout=5.0)
    except grpc.RpcError as error:
        describe_error(label, error)
    else:
        raise SystemExit(f"{label}: expected an error for token {token}")


def main() -> None:
    address = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("FPGW_ADDRESS", "127.0.0.1:50051")
    with open_channel(address) as channel:
        stub = evaluation_service_pb2_grpc.EvaluationServiceStub(channel)
        evaluate(stub, "1760000000123.demo01")
        history(stub, "visitorXyz0000000001")
        expect_error("not_found", stub, "sandbox-not-found")
        expect_error("rate_limited", stub, "sandbox-rate-limited")


if __name__ == "__main__":
    main()
