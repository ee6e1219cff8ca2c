// Command example calls fpgw from Go: it evaluates a token with a deadline, reads the normalised
// fields, pages through a device's history, and reads google.rpc.ErrorInfo / RetryInfo from
// failed calls.
//
//	go generate .. && go run . [ADDRESS]
//
// ADDRESS defaults to $FPGW_ADDRESS, then 127.0.0.1:50051. The channel uses the retry policy and
// per-method timeouts of $FPGW_SERVICE_CONFIG (default: ../service_config.json, from clients/go).
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"
	"unicode"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	fpgwv1 "github.com/fpgw/fpgw/clients/go/fpgwv1"
)

func main() {
	address := os.Getenv("FPGW_ADDRESS")
	if len(os.Args) > 1 {
		address = os.Args[1]
	}
	if address == "" {
		address = "127.0.0.1:50051"
	}
	configPath := os.Getenv("FPGW_SERVICE_CONFIG")
	if configPath == "" {
		configPath = "../service_config.json"
	}
	serviceConfig, err := os.ReadFile(configPath)
	if err != nil {
		log.Fatalf("reading the service config: %v", err)
	}

	// grpc.NewClient connects lazily; the service config adds retries and per-method timeouts.
	conn, err := grpc.NewClient(address,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultServiceConfig(string(serviceConfig)))
	if err != nil {
		log.Fatalf("connecting to %s: %v", address, err)
	}
	defer conn.Close()
	client := fpgwv1.NewEvaluationServiceClient(conn)
	ctx := context.Background()

	if err := evaluate(ctx, client, "1760000000123.demo01"); err != nil {
		log.Fatalf("evaluate: %v", err)
	}
	if err := history(ctx, client, "visitorXyz0000000001"); err != nil {
		log.Fatalf("history: %v", err)
	}
	for _, c := range []struct{ label, token string }{
		{"not_found", "sandbox-not-found"},
		{"rate_limited", "sandbox-rate-limited"},
	} {
		_, err := client.Evaluate(ctx, &fpgwv1.EvaluateRequest{Token: c.token})
		if err == nil {
			log.Fatalf("%s: expected an error for token %s", c.label, c.token)
		}
		describeError(c.label, err)
	}
}

func evaluate(ctx context.Context, client fpgwv1.EvaluationServiceClient, token string) error {
	// The deadline covers fpgw's vendor call too: fpgw derives the vendor timeout from it.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	resp, err := client.Evaluate(ctx, &fpgwv1.EvaluateRequest{
		Token:       token,
		Fingerprint: &fpgwv1.FingerprintOptions{RulesetId: "rs_demo"},
	})
	if err != nil {
		return err
	}
	ev := resp.GetEvaluation()
	// Getters are nil-safe: an unset group reads as its zero value, which means "unknown".
	fmt.Println("evaluate.vendor:", ev.GetSource().GetVendor())
	fmt.Println("evaluate.api_version:", ev.GetSource().GetApiVersion())
	fmt.Println("evaluate.integration:", ev.GetSource().GetIntegration())
	fmt.Println("evaluate.device_id:", ev.GetIdentity().GetDeviceId())
	fmt.Println("evaluate.event_id:", ev.GetIdentity().GetEventId())
	if c := ev.GetIdentity().Confidence; c != nil { // optional: nil means the vendor gave none
		fmt.Printf("evaluate.confidence: %.2f\n", *c)
	}
	fmt.Println("evaluate.returning_visitor:", ev.GetIdentity().GetReturningVisitor())
	fmt.Println("evaluate.action:", ev.GetVerdict().GetAction())
	fmt.Println("evaluate.bot:", ev.GetSignals().GetBot().GetResult())
	fmt.Println("evaluate.vpn:", ev.GetSignals().GetVpn().GetSignal().GetDetected())
	fmt.Println("evaluate.country_code:", ev.GetNetwork().GetGeolocation().GetCountryCode())
	fmt.Println("evaluate.browser:", ev.GetClient().GetBrowserName(), ev.GetClient().GetBrowserMajorVersion())
	return nil
}

func history(ctx context.Context, client fpgwv1.EvaluationServiceClient, device string) error {
	req := &fpgwv1.ListDeviceEvaluationsRequest{Device: device, PageSize: 10}
	pages, total := 0, 0
	var resp *fpgwv1.ListDeviceEvaluationsResponse
	for {
		var err error
		resp, err = client.ListDeviceEvaluations(ctx, req) // timeout from the service config
		if err != nil {
			return err
		}
		pages++
		total += len(resp.GetEvaluations())
		newest := "-"
		if evs := resp.GetEvaluations(); len(evs) > 0 {
			newest = evs[0].GetIdentity().GetEventId()
		}
		fmt.Printf("history.page: %d %d %s\n", pages, len(resp.GetEvaluations()), newest)
		if resp.GetNextPageToken() == "" {
			break
		}
		req.PageToken = resp.GetNextPageToken() // same request fields, next page
	}
	fmt.Println("history.device_id:", resp.GetDeviceId())
	fmt.Println("history.pages:", pages)
	fmt.Println("history.evaluations:", total)
	return nil
}

// describeError reads the canonical code and the google.rpc details fpgw puts in the trailers.
func describeError(label string, err error) {
	st, ok := status.FromError(err)
	if !ok {
		if errors.Is(err, context.DeadlineExceeded) {
			fmt.Printf("%s.code: DEADLINE_EXCEEDED\n", label)
		}
		return
	}
	fmt.Printf("%s.code: %s\n", label, codeName(st))
	fmt.Printf("%s.message: %s\n", label, st.Message())
	for _, detail := range st.Details() {
		switch d := detail.(type) {
		case *errdetails.ErrorInfo:
			fmt.Printf("%s.reason: %s\n", label, d.GetReason())
			fmt.Printf("%s.domain: %s\n", label, d.GetDomain())
			fmt.Printf("%s.vendor_code: %s\n", label, d.GetMetadata()["vendor_code"])
		case *errdetails.RetryInfo:
			// Wait at least this long before trying again (the channel already retried briefly).
			fmt.Printf("%s.retry_delay_ms: %d\n", label, d.GetRetryDelay().AsDuration().Milliseconds())
		}
	}
}

// codeName spells a status code as the gRPC spec and the other languages do: NotFound → NOT_FOUND.
func codeName(st *status.Status) string {
	var b strings.Builder
	for i, r := range st.Code().String() {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}
