package check

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// FpgwConfig is the part of fpgw's config (proto/fpgw/config/v1/config.proto) that the manifests
// around it depend on. Only these fields are read here; `fpgw check-config` validates the whole
// file (checkconfig_test.go).
type FpgwConfig struct {
	Server struct {
		Listeners []struct {
			Address                     string    `json:"address"`
			Authentication              []string  `json:"authentication"`
			TLS                         *struct{} `json:"tls"`
			AllowUnauthenticatedCallers bool      `json:"allow_unauthenticated_callers"`
		} `json:"listeners"`
		Callers []struct {
			Name     string  `json:"name"`
			UnixUIDs []int64 `json:"unix_uids"`
		} `json:"callers"`
		DrainDelay                  string `json:"drain_delay"`
		DrainGracePeriod            string `json:"drain_grace_period"`
		MetricsListen               string `json:"metrics_listen"`
		MetricsAllowUnauthenticated bool   `json:"metrics_allow_unauthenticated"`
	} `json:"server"`
	SecretStores struct {
		Directory string `json:"directory"`
	} `json:"secret_stores"`
}

// ParseFpgwConfig reads the fields above from fpgw.yaml text.
func ParseFpgwConfig(text string) (*FpgwConfig, error) {
	var c FpgwConfig
	if err := yaml.Unmarshal([]byte(text), &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Drain returns server.drain_delay and server.drain_grace_period with fpgw's defaults: 10s for
// the grace period, and for the delay 1s or the grace period if that is shorter.
func (c *FpgwConfig) Drain() (delay, grace time.Duration, err error) {
	grace = 10 * time.Second
	if c.Server.DrainGracePeriod != "" {
		if grace, err = time.ParseDuration(c.Server.DrainGracePeriod); err != nil {
			return 0, 0, fmt.Errorf("server.drain_grace_period: %w", err)
		}
	}
	delay = min(time.Second, grace)
	if c.Server.DrainDelay != "" {
		if delay, err = time.ParseDuration(c.Server.DrainDelay); err != nil {
			return 0, 0, fmt.Errorf("server.drain_delay: %w", err)
		}
	}
	return delay, grace, nil
}

// Endpoint is a listening address split into its parts.
type Endpoint struct {
	Unix  string // the socket path for "unix:/path"
	Host  string
	Port  int32
	Local bool // loopback or a Unix socket: unreachable from the kubelet and from other pods
}

// ParseAddress splits a listener address ("host:port", "[v6]:port" or "unix:/path") the way fpgw
// reads it (src/config/trust.cc).
func ParseAddress(address string) (Endpoint, error) {
	if path, ok := strings.CutPrefix(address, "unix:"); ok {
		path = "/" + strings.TrimLeft(path, "/") // unix:///run/x and unix:/run/x
		return Endpoint{Unix: path, Local: true}, nil
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return Endpoint{}, err
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return Endpoint{}, fmt.Errorf("port of %q: %w", address, err)
	}
	ip := net.ParseIP(host)
	local := host == "localhost" || (ip != nil && ip.IsLoopback())
	return Endpoint{Host: host, Port: int32(n), Local: local}, nil
}
