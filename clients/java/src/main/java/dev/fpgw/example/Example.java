package dev.fpgw.example;

import com.google.gson.Gson;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.fpgw.v1.EvaluateRequest;
import dev.fpgw.v1.EvaluateResponse;
import dev.fpgw.v1.Evaluation;
import dev.fpgw.v1.EvaluationServiceGrpc;
import dev.fpgw.v1.EvaluationServiceGrpc.EvaluationServiceBlockingStub;
import dev.fpgw.v1.FingerprintOptions;
import dev.fpgw.v1.ListDeviceEvaluationsRequest;
import dev.fpgw.v1.ListDeviceEvaluationsResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Calls fpgw from Java: evaluates a token with a deadline, reads the normalised fields, pages
 * through a device's history, and reads google.rpc.ErrorInfo / RetryInfo from failed calls.
 *
 * <pre>mvn compile exec:java -Dexec.args=ADDRESS</pre>
 *
 * <p>ADDRESS defaults to $FPGW_ADDRESS, then 127.0.0.1:50051. The channel uses the retry policy and
 * per-method timeouts of $FPGW_SERVICE_CONFIG (default: ../service_config.json).
 */
public final class Example {
  private Example() {}

  public static void main(String[] args) throws Exception {
    String address = args.length > 0 ? args[0] : env("FPGW_ADDRESS", "127.0.0.1:50051");
    ManagedChannel channel = openChannel(address);
    try {
      EvaluationServiceBlockingStub stub = EvaluationServiceGrpc.newBlockingStub(channel);
      evaluate(stub, "1760000000123.demo01");
      history(stub, "visitorXyz0000000001");
      expectError(stub, "not_found", "sandbox-not-found");
      expectError(stub, "rate_limited", "sandbox-rate-limited");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  /** A plaintext channel with the shared service config (retries, per-method timeouts). */
  @SuppressWarnings("unchecked")
  static ManagedChannel openChannel(String address) throws IOException {
    Path configPath = Path.of(env("FPGW_SERVICE_CONFIG", "../service_config.json"));
    Map<String, ?> serviceConfig = new Gson().fromJson(Files.readString(configPath), Map.class);
    return ManagedChannelBuilder.forTarget(address)
        .usePlaintext()
        .defaultServiceConfig(serviceConfig)
        .enableRetry()
        .build();
  }

  static void evaluate(EvaluationServiceBlockingStub stub, String token) {
    EvaluateRequest request =
        EvaluateRequest.newBuilder()
            .setToken(token)
            .setFingerprint(FingerprintOptions.newBuilder().setRulesetId("rs_demo"))
            .build();
    // The deadline covers fpgw's vendor call too: fpgw derives the vendor timeout from it.
    EvaluateResponse response = stub.withDeadlineAfter(2, TimeUnit.SECONDS).evaluate(request);
    Evaluation ev = response.getEvaluation();
    System.out.println("evaluate.vendor: " + ev.getSource().getVendor());
    System.out.println("evaluate.api_version: " + ev.getSource().getApiVersion());
    System.out.println("evaluate.integration: " + ev.getSource().getIntegration());
    System.out.println("evaluate.device_id: " + ev.getIdentity().getDeviceId());
    System.out.println("evaluate.event_id: " + ev.getIdentity().getEventId());
    // `confidence` is optional: unset means the vendor gave none, which is not 0.
    if (ev.getIdentity().hasConfidence()) {
      System.out.printf("evaluate.confidence: %.2f%n", ev.getIdentity().getConfidence());
    }
    System.out.println("evaluate.returning_visitor: " + ev.getIdentity().getReturningVisitor());
    System.out.println("evaluate.action: " + ev.getVerdict().getAction());
    System.out.println("evaluate.bot: " + ev.getSignals().getBot().getResult());
    System.out.println("evaluate.vpn: " + ev.getSignals().getVpn().getSignal().getDetected());
    System.out.println("evaluate.country_code: " + ev.getNetwork().getGeolocation().getCountryCode());
    System.out.println(
        "evaluate.browser: "
            + ev.getClient().getBrowserName()
            + " "
            + ev.getClient().getBrowserMajorVersion());
  }

  static void history(EvaluationServiceBlockingStub stub, String device) {
    ListDeviceEvaluationsRequest.Builder request =
        ListDeviceEvaluationsRequest.newBuilder().setDevice(device).setPageSize(10);
    int pages = 0;
    int total = 0;
    ListDeviceEvaluationsResponse response;
    do {
      // No per-call deadline here: the service config's per-method timeout applies.
      response = stub.listDeviceEvaluations(request.build());
      pages++;
      total += response.getEvaluationsCount();
      String newest =
          response.getEvaluationsCount() > 0
              ? response.getEvaluations(0).getIdentity().getEventId()
              : "-";
      System.out.printf("history.page: %d %d %s%n", pages, response.getEvaluationsCount(), newest);
      request.setPageToken(response.getNextPageToken()); // same request fields, next page
    } while (!response.getNextPageToken().isEmpty());
    System.out.println("history.device_id: " + response.getDeviceId());
    System.out.println("history.pages: " + pages);
    System.out.println("history.evaluations: " + total);
  }

  /** Reads the canonical code and the google.rpc details fpgw puts in the trailers. */
  static void describeError(String label, StatusRuntimeException error)
      throws InvalidProtocolBufferException {
    System.out.println(label + ".code: " + error.getStatus().getCode());
    System.out.println(label + ".message: " + error.getStatus().getDescription());
    com.google.rpc.Status status = StatusProto.fromThrowable(error); // null without details
    if (status == null) {
      return;
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        ErrorInfo info = detail.unpack(ErrorInfo.class);
        System.out.println(label + ".reason: " + info.getReason());
        System.out.println(label + ".domain: " + info.getDomain());
        System.out.println(label + ".vendor_code: " + info.getMetadataOrDefault("vendor_code", ""));
      } else if (detail.is(RetryInfo.class)) {
        RetryInfo retry = detail.unpack(RetryInfo.class);
        // Wait at least this long before trying again (the channel already retried briefly).
        long millis =
            retry.getRetryDelay().getSeconds() * 1000 + retry.getRetryDelay().getNanos() / 1_000_000;
        System.out.println(label + ".retry_delay_ms: " + millis);
      }
    }
  }

  static void expectError(EvaluationServiceBlockingStub stub, String label, String token)
      throws InvalidProtocolBufferException {
    try {
      stub.evaluate(EvaluateRequest.newBuilder().setToken(token).build());
    } catch (StatusRuntimeException error) {
      describeError(label, error);
      return;
    }
    throw new IllegalStateException(label + ": expected an error for token " + token);
  }
}
