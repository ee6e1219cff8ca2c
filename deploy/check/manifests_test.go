package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The manifests, relative to this package.
const kubernetesDir = "../kubernetes"

// The folders every run must find: a missing one means the check looks in the wrong place.
var wantBundles = []string{"shared-service", "sidecar"}

func loadBundles(t *testing.T) map[string]*Bundle {
	t.Helper()
	dirs, err := BundleDirs(kubernetesDir)
	if err != nil {
		t.Fatal(err)
	}
	bundles := map[string]*Bundle{}
	for _, dir := range dirs {
		b, err := LoadBundle(dir)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		bundles[filepath.Base(dir)] = b
	}
	for _, name := range wantBundles {
		if bundles[name] == nil {
			t.Fatalf("no manifests decoded in %s/%s", kubernetesDir, name)
		}
	}
	return bundles
}

func TestEveryManifestDecodesStrictly(t *testing.T) {
	for name, b := range loadBundles(t) {
		kinds := map[string]int{}
		for _, o := range b.Objects {
			kinds[o.Obj.GetObjectKind().GroupVersionKind().Kind]++
		}
		t.Logf("%s: %d objects %v from %v", name, len(b.Objects), kinds, b.Files)
	}
}

func TestBundlesFollowTheRules(t *testing.T) {
	for name, b := range loadBundles(t) {
		instances, _ := b.FpgwInstances()
		if len(instances) == 0 {
			t.Errorf("%s: no fpgw container found (a container named %q)", name, FpgwContainer)
		}
		for _, p := range CheckBundle(b) {
			t.Errorf("%s: %s", name, p)
		}
	}
}

// The decoder refuses what the API server's strict field validation refuses.
func TestStrictDecodingRejects(t *testing.T) {
	deployment, err := os.ReadFile(filepath.Join(kubernetesDir, "shared-service", "deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	replaceOnce := func(old, new string) string {
		t.Helper()
		if strings.Count(string(deployment), old) != 1 {
			t.Fatalf("deployment.yaml no longer has exactly one %q", old)
		}
		return strings.Replace(string(deployment), old, new, 1)
	}
	cases := []struct {
		name, yaml, want string
	}{
		{"misspelt field", replaceOnce("terminationGracePeriodSeconds:", "terminationGracePeriodSecond:"),
			`unknown field "spec.template.spec.terminationGracePeriodSecond"`},
		// encoding/json would take this one silently: field names match case-insensitively there.
		{"wrongly cased field", replaceOnce("readOnlyRootFilesystem:", "readOnlyRootFileSystem:"),
			`unknown field "spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem"`},
		{"duplicate field", replaceOnce("      maxSurge: 1\n", "      maxSurge: 1\n      maxSurge: 2\n"),
			`"maxSurge" already set in map`},
		{"field at the wrong level", replaceOnce("      serviceAccountName: fpgw\n", "      serviceAccountName: fpgw\n      replicas: 3\n"),
			`unknown field "spec.template.spec.replicas"`},
		{"wrong type", replaceOnce("terminationGracePeriodSeconds: 30", `terminationGracePeriodSeconds: "thirty"`),
			"cannot unmarshal string into Go struct field PodSpec.spec.template.spec.terminationGracePeriodSeconds of type int64"},
		{"unknown kind", "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: fpgw}\n",
			`no kind "Sidecar" is registered for version "networking.istio.io/v1"`},
		{"unknown version", "apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nmetadata: {name: fpgw}\n",
			`no kind "HorizontalPodAutoscaler" is registered for version "autoscaling/v2beta1"`},
		{"no kind", "apiVersion: v1\nmetadata: {name: fpgw}\n", "Object 'Kind' is missing"},
		{"second document bad", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: b}\nautomountToken: false\n",
			`(document 2): strict decoding error: unknown field "automountToken"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeBytes("case.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("decoded without error; want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
	if _, err := DecodeBytes("deployment.yaml", deployment); err != nil {
		t.Fatalf("the unmodified file fails: %v", err)
	}
}

func TestKustomizationDecodesStrictly(t *testing.T) {
	if _, err := DecodeKustomization([]byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresource: [a.yaml]\n")); err == nil ||
		!strings.Contains(err.Error(), `unknown field "resource"`) {
		t.Fatalf("a misspelt field: got %v", err)
	}
	if _, err := DecodeKustomization([]byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nResources: [a.yaml]\n")); err == nil {
		t.Fatal("a wrongly cased field was accepted")
	}
}

// Each rule, broken on purpose in a copy of the real manifests, is reported.
func TestRulesCatchBrokenManifests(t *testing.T) {
	deploymentOf := func(b *Bundle) *appsv1.Deployment {
		for _, o := range b.Objects {
			if d, ok := o.Obj.(*appsv1.Deployment); ok {
				return d
			}
		}
		t.Fatal("no Deployment")
		return nil
	}
	fpgwOf := func(b *Bundle) *corev1.Container {
		spec := &deploymentOf(b).Spec.Template.Spec
		for _, c := range allContainers(spec) {
			if c.Name == FpgwContainer {
				return c
			}
		}
		t.Fatal("no fpgw container")
		return nil
	}
	configOf := func(b *Bundle) *corev1.ConfigMap {
		for _, o := range b.Objects {
			if cm, ok := o.Obj.(*corev1.ConfigMap); ok {
				return cm
			}
		}
		t.Fatal("no ConfigMap")
		return nil
	}
	editConfig := func(b *Bundle, old, new string) {
		cm := configOf(b)
		if !strings.Contains(cm.Data["fpgw.yaml"], old) {
			t.Fatalf("fpgw.yaml has no %q", old)
		}
		cm.Data["fpgw.yaml"] = strings.Replace(cm.Data["fpgw.yaml"], old, new, 1)
	}
	cases := []struct {
		bundle, name, want string
		breakIt            func(b *Bundle)
	}{
		{"shared-service", "grace period too short", "terminationGracePeriodSeconds 25 is not longer than drain_delay + drain_grace_period (5s + 20s)",
			func(b *Bundle) { v := int64(25); deploymentOf(b).Spec.Template.Spec.TerminationGracePeriodSeconds = &v }},
		{"shared-service", "drain lengthened in the config", "is not longer than drain_delay + drain_grace_period (5s + 30s)",
			func(b *Bundle) { editConfig(b, "drain_grace_period: 20s", "drain_grace_period: 30s") }},
		{"sidecar", "grace period left to the default", "terminationGracePeriodSeconds must be set",
			func(b *Bundle) { deploymentOf(b).Spec.Template.Spec.TerminationGracePeriodSeconds = nil }},
		{"shared-service", "HTTP readiness probe", "readinessProbe must be a native gRPC probe",
			func(b *Bundle) {
				fpgwOf(b).ReadinessProbe.ProbeHandler = corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/readyz", Port: intstr.FromInt32(9464)}}
			}},
		{"sidecar", "no liveness probe", "no livenessProbe",
			func(b *Bundle) { fpgwOf(b).LivenessProbe = nil }},
		{"shared-service", "liveness that follows readiness", `livenessProbe must ask for service "fpgw.liveness"`,
			func(b *Bundle) { overall := ""; fpgwOf(b).LivenessProbe.GRPC.Service = &overall }},
		{"shared-service", "probe on the TLS listener", `livenessProbe: listener "0.0.0.0:50051" serves TLS, but the probe speaks plaintext`,
			func(b *Bundle) { fpgwOf(b).LivenessProbe.GRPC.Port = 50051 }},
		{"sidecar", "probe listener on loopback", `listener "127.0.0.1:8081" is loopback, but the kubelet probes the pod IP`,
			func(b *Bundle) { editConfig(b, `"0.0.0.0:8081"`, `"127.0.0.1:8081"`) }},
		{"sidecar", "sidecar that is a plain init container", "must be a native sidecar",
			func(b *Bundle) { fpgwOf(b).RestartPolicy = nil }},
		{"shared-service", "no memory limit", "no resources.limits.memory",
			func(b *Bundle) { delete(fpgwOf(b).Resources.Limits, corev1.ResourceMemory) }},
		{"sidecar", "app without requests", "container app: no resources.requests.cpu",
			func(b *Bundle) { deploymentOf(b).Spec.Template.Spec.Containers[0].Resources.Requests = nil }},
		{"shared-service", "root allowed", "runAsNonRoot must be true",
			func(b *Bundle) { f := false; deploymentOf(b).Spec.Template.Spec.SecurityContext.RunAsNonRoot = &f }},
		{"shared-service", "writable root file system", "readOnlyRootFilesystem must be true",
			func(b *Bundle) { fpgwOf(b).SecurityContext.ReadOnlyRootFilesystem = nil }},
		{"sidecar", "capabilities kept", "capabilities.drop must contain ALL",
			func(b *Bundle) { fpgwOf(b).SecurityContext.Capabilities.Drop = nil }},
		{"shared-service", "no seccomp profile", "seccompProfile must be RuntimeDefault",
			func(b *Bundle) { deploymentOf(b).Spec.Template.Spec.SecurityContext.SeccompProfile = nil }},
		{"shared-service", "secrets not mounted where the config reads them", "secret_stores.directory /var/run/secrets/fpgw: no volume is mounted there",
			func(b *Bundle) { fpgwOf(b).VolumeMounts[1].MountPath = "/secrets" }},
		{"sidecar", "app runs as another uid", "caller checkout (unix uid 1000): no other container runs as that uid",
			func(b *Bundle) {
				u := int64(1001)
				deploymentOf(b).Spec.Template.Spec.Containers[0].SecurityContext.RunAsUser = &u
			}},
		{"sidecar", "socket folder not shared", "caller checkout (unix uid 1000): no other container runs as that uid and mounts /run/fpgw",
			func(b *Bundle) { deploymentOf(b).Spec.Template.Spec.Containers[0].VolumeMounts = nil }},
		{"shared-service", "Service port without grpc-", `port "fpgw" leads to fpgw's gRPC listener "0.0.0.0:50051": its name must start with grpc-`,
			func(b *Bundle) {
				for _, o := range b.Objects {
					if s, ok := o.Obj.(*corev1.Service); ok {
						s.Spec.Ports[0].Name = "fpgw"
					}
				}
			}},
		{"shared-service", "Service port to nowhere", `targetPort grpcs is no container port`,
			func(b *Bundle) {
				for _, o := range b.Objects {
					if s, ok := o.Obj.(*corev1.Service); ok {
						s.Spec.Ports[0].TargetPort = intstr.FromString("grpcs")
					}
				}
			}},
		{"shared-service", "metrics open to every source", "ingress[1] admits every source to the metrics port 9464",
			func(b *Bundle) {
				for _, o := range b.Objects {
					if np, ok := o.Obj.(*networkingv1.NetworkPolicy); ok {
						np.Spec.Ingress[1].From = nil
					}
				}
			}},
		{"sidecar", "no NetworkPolicy", "no NetworkPolicy of this folder limits who connects",
			func(b *Bundle) {
				for i, o := range b.Objects {
					if _, ok := o.Obj.(*networkingv1.NetworkPolicy); ok {
						b.Objects = append(b.Objects[:i], b.Objects[i+1:]...)
						return
					}
				}
			}},
		{"shared-service", "replicas fixed under the autoscaler", "sets spec.replicas",
			func(b *Bundle) { r := int32(3); deploymentOf(b).Spec.Replicas = &r }},
		{"shared-service", "autoscaler down to one", "minReplicas must be at least 2",
			func(b *Bundle) {
				for _, o := range b.Objects {
					if h, ok := o.Obj.(*autoscalingv2.HorizontalPodAutoscaler); ok {
						one := int32(1)
						h.Spec.MinReplicas = &one
					}
				}
			}},
		{"shared-service", "kustomization misses a file", "kustomization.yaml: resources",
			func(b *Bundle) { b.Kustomization.Resources = b.Kustomization.Resources[1:] }},
		{"shared-service", "config not from the ConfigMap", "config /etc/fpgw/fpgw.yaml: no volume is mounted there",
			func(b *Bundle) { fpgwOf(b).VolumeMounts[0].MountPath = "/etc/config" }},
	}
	for _, tc := range cases {
		t.Run(tc.bundle+"/"+tc.name, func(t *testing.T) {
			b, err := LoadBundle(filepath.Join(kubernetesDir, tc.bundle))
			if err != nil {
				t.Fatal(err)
			}
			if ps := CheckBundle(b); len(ps) > 0 {
				t.Fatalf("the unmodified folder already fails: %v", ps)
			}
			tc.breakIt(b)
			ps := CheckBundle(b)
			for _, p := range ps {
				if strings.Contains(p, tc.want) {
					return
				}
			}
			t.Fatalf("no problem contains %q; got %q", tc.want, ps)
		})
	}
}
