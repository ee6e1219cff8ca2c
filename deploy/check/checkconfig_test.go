package check

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fpgwBinary is the fpgw binary named by FPGW_BINARY (the CTest registration always sets it).
func fpgwBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("FPGW_BINARY")
	if bin == "" {
		t.Skip("FPGW_BINARY is not set: the fpgw configs in the ConfigMaps are not run through `fpgw check-config`")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("FPGW_BINARY: %v", err)
	}
	return bin
}

// checkConfig runs `fpgw check-config FILE` on the text and returns its output and whether it
// passed. No variable of the test's environment may change what is checked.
func checkConfig(t *testing.T, bin, name, text string) (string, bool) {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "check-config", file)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FPGW_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("running %s: %v", bin, err)
	}
	return string(out), err == nil
}

// Every fpgw config in the ConfigMaps is one fpgw accepts.
func TestConfigMapsPassFpgwCheckConfig(t *testing.T) {
	bin := fpgwBinary(t)
	checked := 0
	for name, b := range loadBundles(t) {
		instances, problems := b.FpgwInstances()
		for _, p := range problems {
			t.Errorf("%s: %s", name, p)
		}
		for _, inst := range instances {
			out, ok := checkConfig(t, bin, name+"-"+inst.Key, inst.Text)
			if !ok {
				t.Errorf("%s: ConfigMap %s, key %s: fpgw check-config failed:\n%s", name, inst.ConfigMap, inst.Key, out)
				continue
			}
			t.Logf("%s: %s", name, strings.TrimSpace(out))
			checked++
		}
	}
	if checked == 0 && !t.Failed() {
		t.Fatal("no config was checked")
	}
}

// The binary really checks: a config with a misspelt field fails, naming the field.
func TestFpgwCheckConfigRejectsABrokenConfig(t *testing.T) {
	bin := fpgwBinary(t)
	bundles := loadBundles(t)
	instances, _ := bundles["sidecar"].FpgwInstances()
	if len(instances) == 0 {
		t.Fatal("no fpgw config in the sidecar folder")
	}
	broken := strings.Replace(instances[0].Text, "drain_grace_period:", "drain_grace_periods:", 1)
	if broken == instances[0].Text {
		t.Fatal("the sidecar config has no drain_grace_period to misspell")
	}
	out, ok := checkConfig(t, bin, "broken.yaml", broken)
	if ok {
		t.Fatalf("fpgw check-config accepted a misspelt field:\n%s", out)
	}
	if !strings.Contains(out, "drain_grace_periods") {
		t.Fatalf("fpgw check-config failed without naming the field:\n%s", out)
	}
}
