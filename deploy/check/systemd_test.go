package check

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const unitFile = "../systemd/fpgw.service"

// The highest `systemd-analyze security` exposure the unit may have (0 to 10; "OK" ends at 2.0).
const maxExposure = "2.0"

// unitDirectives reads the key=value lines of a unit file, every value of each key in order.
func unitDirectives(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: not key=value: %q", path, line)
		}
		out[key] = append(out[key], value)
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// systemdAnalyze finds systemd-analyze; its absence fails the test (scripts/setup.sh installs it).
func systemdAnalyze(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze is not installed (Debian package systemd): the unit cannot be verified")
	}
	return path
}

// unitWithBinary copies the unit into a temporary folder with its ExecStart binary replaced by one
// that exists here, since `systemd-analyze verify` requires the command to be executable.
func unitWithBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("FPGW_BINARY")
	if bin == "" {
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		bin = exe
		t.Logf("FPGW_BINARY is not set: ExecStart points at %s instead", bin)
	}
	data, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.Contains(text, "ExecStart=/usr/local/bin/fpgw ") {
		t.Fatal("the unit no longer starts /usr/local/bin/fpgw")
	}
	text = strings.ReplaceAll(text, "/usr/local/bin/fpgw ", bin+" ")
	path := filepath.Join(t.TempDir(), "fpgw.service")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// verify runs `systemd-analyze verify`, which exits 0 even for unknown directives and unparsable
// values (it ignores them, as systemd would): any output is a failure.
func verify(t *testing.T, unit string) string {
	t.Helper()
	cmd := exec.Command(systemdAnalyze(t), "verify", "--man=no", "--generators=no", unit)
	out, err := cmd.CombinedOutput()
	if err != nil && len(out) == 0 {
		return err.Error()
	}
	return strings.TrimSpace(string(out))
}

func TestSystemdUnitVerifies(t *testing.T) {
	if out := verify(t, unitWithBinary(t)); out != "" {
		t.Fatalf("systemd-analyze verify:\n%s", out)
	}
}

// The check above really fails: a misspelt directive and a wrong signal name are reported.
func TestSystemdVerifyRejectsABrokenUnit(t *testing.T) {
	unit := unitWithBinary(t)
	data, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(data), "ProtectSystem=strict", "ProtectSytem=strict", 1)
	broken = strings.Replace(broken, "KillSignal=SIGTERM", "KillSignal=SIGTREM", 1)
	if err := os.WriteFile(unit, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	out := verify(t, unit)
	for _, want := range []string{"Unknown key 'ProtectSytem'", "SIGTREM"} {
		if !strings.Contains(out, want) {
			t.Errorf("systemd-analyze verify did not report %q; it said:\n%s", want, out)
		}
	}
}

func TestSystemdUnitExposure(t *testing.T) {
	threshold := strings.ReplaceAll(maxExposure, ".", "") // the option counts tenths
	cmd := exec.Command(systemdAnalyze(t), "security", "--offline=true", "--threshold="+threshold, unitWithBinary(t))
	out, err := cmd.CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil {
		t.Fatalf("systemd-analyze security: %v (more exposed than %s?)\n%s", err, maxExposure, out)
	}
	t.Log(lines[len(lines)-1])
}

// The options the deployment relies on are present with the values it needs.
func TestSystemdUnitHardening(t *testing.T) {
	d := unitDirectives(t, unitFile)
	want := map[string]string{
		"Type": "exec", "User": "fpgw", "KillSignal": "SIGTERM", "LimitCORE": "0",
		"NoNewPrivileges": "yes", "CapabilityBoundingSet": "", "AmbientCapabilities": "",
		"ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "MemoryDenyWriteExecute": "yes",
		"RuntimeDirectory": "fpgw", "SystemCallArchitectures": "native",
	}
	for key, value := range want {
		if got := d[key]; len(got) != 1 || got[0] != value {
			t.Errorf("%s=%v, want exactly %s=%s", key, got, key, value)
		}
	}
	if !slices.Contains(d["SystemCallFilter"], "@system-service") {
		t.Errorf("SystemCallFilter=%v lacks @system-service", d["SystemCallFilter"])
	}
	// fpgw's default drain: drain_delay 1s + drain_grace_period 10s.
	if v := d["TimeoutStopSec"]; len(v) != 1 {
		t.Errorf("TimeoutStopSec=%v: want one value", v)
	} else if stop, err := time.ParseDuration(v[0]); err != nil {
		t.Errorf("TimeoutStopSec=%s: %v", v[0], err)
	} else if stop <= 11*time.Second {
		t.Errorf("TimeoutStopSec=%s is not longer than fpgw's default drain (1s + 10s)", v[0])
	}
	if d["PrivateUsers"] != nil {
		t.Error("PrivateUsers= hides every other uid from fpgw: unix_uid callers would all look alike")
	}
}
