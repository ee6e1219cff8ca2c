package check

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// FpgwContainer is the name by which the rules recognise fpgw's container in a pod.
const FpgwContainer = "fpgw"

// The protocols Istio recognises at the start of a Service port name ("grpc-fpgw").
var istioProtocols = []string{"grpc", "grpc-web", "http", "http2", "https", "tcp", "tls", "mongo",
	"mysql", "redis", "udp"}

// Pod is a pod template of a workload in a bundle.
type Pod struct {
	Owner  Object
	Labels map[string]string
	Spec   *corev1.PodSpec
}

// FpgwInstance is an fpgw container of a pod template with the config it is started with.
type FpgwInstance struct {
	Pod       *Pod
	Container *corev1.Container
	ConfigMap string // name of the ConfigMap holding the config
	Key       string // its key in the ConfigMap
	Text      string // the config file
	Config    *FpgwConfig
}

// Pods lists the pod templates of the bundle's workloads.
func (b *Bundle) Pods() []*Pod {
	var pods []*Pod
	for _, o := range b.Objects {
		var t *corev1.PodTemplateSpec
		switch w := o.Obj.(type) {
		case *appsv1.Deployment:
			t = &w.Spec.Template
		case *appsv1.StatefulSet:
			t = &w.Spec.Template
		case *appsv1.DaemonSet:
			t = &w.Spec.Template
		default:
			continue
		}
		pods = append(pods, &Pod{Owner: o, Labels: t.Labels, Spec: &t.Spec})
	}
	return pods
}

func (b *Bundle) configMap(name string) *corev1.ConfigMap {
	for _, o := range b.Objects {
		if cm, ok := o.Obj.(*corev1.ConfigMap); ok && cm.Name == name {
			return cm
		}
	}
	return nil
}

// allContainers returns the init containers, then the containers.
func allContainers(spec *corev1.PodSpec) []*corev1.Container {
	var out []*corev1.Container
	for i := range spec.InitContainers {
		out = append(out, &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		out = append(out, &spec.Containers[i])
	}
	return out
}

// configPath is the config file fpgw is started with: --config=PATH, --config PATH or
// FPGW_CONFIG.
func configPath(c *corev1.Container) string {
	args := append(slices.Clone(c.Command), c.Args...)
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--config="); ok {
			return v
		}
		if a == "--config" && i+1 < len(args) {
			return args[i+1]
		}
	}
	for _, e := range c.Env {
		if e.Name == "FPGW_CONFIG" {
			return e.Value
		}
	}
	return ""
}

func volume(spec *corev1.PodSpec, name string) *corev1.Volume {
	for i := range spec.Volumes {
		if spec.Volumes[i].Name == name {
			return &spec.Volumes[i]
		}
	}
	return nil
}

// mountOf returns the container's mount of exactly `path`.
func mountOf(c *corev1.Container, path string) *corev1.VolumeMount {
	for i := range c.VolumeMounts {
		if filepath.Clean(c.VolumeMounts[i].MountPath) == filepath.Clean(path) {
			return &c.VolumeMounts[i]
		}
	}
	return nil
}

// FpgwInstances finds every fpgw container of the bundle and the config it reads from a ConfigMap
// of the bundle. Problems finding them are returned as such.
func (b *Bundle) FpgwInstances() ([]*FpgwInstance, []string) {
	var out []*FpgwInstance
	var problems []string
	for _, pod := range b.Pods() {
		for _, c := range allContainers(pod.Spec) {
			if c.Name != FpgwContainer {
				continue
			}
			where := fmt.Sprintf("%s, container %s", pod.Owner, c.Name)
			inst, err := b.resolveConfig(pod, c)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", where, err))
				continue
			}
			out = append(out, inst)
		}
	}
	return out, problems
}

func (b *Bundle) resolveConfig(pod *Pod, c *corev1.Container) (*FpgwInstance, error) {
	path := configPath(c)
	if path == "" {
		return nil, fmt.Errorf("no --config=FILE argument or FPGW_CONFIG variable")
	}
	// The mount that provides the file: the file itself (subPath) or its folder.
	var key string
	var m *corev1.VolumeMount
	if m = mountOf(c, path); m != nil && m.SubPath != "" {
		key = m.SubPath
	} else if m = mountOf(c, filepath.Dir(path)); m != nil {
		key = filepath.Base(path)
	} else {
		return nil, fmt.Errorf("config %s: no volume is mounted there", path)
	}
	v := volume(pod.Spec, m.Name)
	if v == nil || v.ConfigMap == nil {
		return nil, fmt.Errorf("config %s: volume %q is not a ConfigMap", path, m.Name)
	}
	if len(v.ConfigMap.Items) > 0 {
		found := false
		for _, item := range v.ConfigMap.Items {
			if item.Path == key {
				key, found = item.Key, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("config %s: ConfigMap volume %q has no item with path %q", path, m.Name, key)
		}
	}
	cm := b.configMap(v.ConfigMap.Name)
	if cm == nil {
		return nil, fmt.Errorf("config %s: ConfigMap %q is not in this folder", path, v.ConfigMap.Name)
	}
	text, ok := cm.Data[key]
	if !ok {
		return nil, fmt.Errorf("config %s: ConfigMap %q has no key %q", path, cm.Name, key)
	}
	cfg, err := ParseFpgwConfig(text)
	if err != nil {
		return nil, fmt.Errorf("config %s (ConfigMap %q, key %q): %v", path, cm.Name, key, err)
	}
	return &FpgwInstance{Pod: pod, Container: c, ConfigMap: cm.Name, Key: key, Text: text, Config: cfg}, nil
}

// CheckBundle applies every rule to a bundle and returns the problems found, each naming the
// object at fault.
func CheckBundle(b *Bundle) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	for _, pod := range b.Pods() {
		for _, c := range allContainers(pod.Spec) {
			for _, p := range containerProblems(pod, c) {
				add("%s, container %s: %s", pod.Owner, c.Name, p)
			}
		}
	}
	instances, found := b.FpgwInstances()
	problems = append(problems, found...)
	for _, inst := range instances {
		for _, p := range b.fpgwProblems(inst) {
			add("%s, container %s (config: ConfigMap %s): %s", inst.Pod.Owner, inst.Container.Name, inst.ConfigMap, p)
		}
	}
	for _, o := range b.Objects {
		var ps []string
		switch obj := o.Obj.(type) {
		case *corev1.Service:
			ps = b.serviceProblems(obj, instances)
		case *policyv1.PodDisruptionBudget:
			ps = b.pdbProblems(obj)
		case *autoscalingv2.HorizontalPodAutoscaler:
			ps = b.hpaProblems(obj)
		}
		for _, p := range ps {
			add("%s: %s", o, p)
		}
	}
	if k := b.Kustomization; k != nil {
		listed := slices.Sorted(slices.Values(k.Resources))
		if !slices.Equal(listed, b.Files) {
			add("%s: resources %v, but the folder's manifests are %v", KustomizationFile, listed, b.Files)
		}
	}
	return problems
}

// containerProblems: resources and a locked-down security context, for every container.
func containerProblems(pod *Pod, c *corev1.Container) []string {
	var ps []string
	req, lim := c.Resources.Requests, c.Resources.Limits
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := req[name]; !ok {
			ps = append(ps, fmt.Sprintf("no resources.requests.%s", name))
		}
	}
	if _, ok := lim[corev1.ResourceMemory]; !ok {
		ps = append(ps, "no resources.limits.memory")
	}
	sc := c.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	psc := pod.Spec.SecurityContext
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		ps = append(ps, "securityContext.allowPrivilegeEscalation must be false")
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		ps = append(ps, "securityContext.readOnlyRootFilesystem must be true")
	}
	if sc.Privileged != nil && *sc.Privileged {
		ps = append(ps, "securityContext.privileged must not be set")
	}
	if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		ps = append(ps, "securityContext.capabilities.drop must contain ALL")
	} else if len(sc.Capabilities.Add) > 0 {
		ps = append(ps, fmt.Sprintf("securityContext.capabilities.add %v: fpgw needs none", sc.Capabilities.Add))
	}
	nonRoot := psc.RunAsNonRoot
	if sc.RunAsNonRoot != nil {
		nonRoot = sc.RunAsNonRoot
	}
	if nonRoot == nil || !*nonRoot {
		ps = append(ps, "runAsNonRoot must be true (container or pod securityContext)")
	}
	if uid := runAsUser(pod, c); uid != nil && *uid == 0 {
		ps = append(ps, "runAsUser must not be 0")
	}
	seccomp := psc.SeccompProfile
	if sc.SeccompProfile != nil {
		seccomp = sc.SeccompProfile
	}
	if seccomp == nil || (seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault &&
		seccomp.Type != corev1.SeccompProfileTypeLocalhost) {
		ps = append(ps, "seccompProfile must be RuntimeDefault or Localhost (container or pod securityContext)")
	}
	return ps
}

func runAsUser(pod *Pod, c *corev1.Container) *int64 {
	if c.SecurityContext != nil && c.SecurityContext.RunAsUser != nil {
		return c.SecurityContext.RunAsUser
	}
	if pod.Spec.SecurityContext != nil {
		return pod.Spec.SecurityContext.RunAsUser
	}
	return nil
}

// fpgwProblems: the rules that tie fpgw's container, its pod and its config together.
func (b *Bundle) fpgwProblems(inst *FpgwInstance) []string {
	var ps []string
	add := func(format string, args ...any) { ps = append(ps, fmt.Sprintf(format, args...)) }
	c, spec, cfg := inst.Container, inst.Pod.Spec, inst.Config

	if slices.ContainsFunc(spec.InitContainers, func(ic corev1.Container) bool { return ic.Name == c.Name }) &&
		(c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways) {
		add("an init container must be a native sidecar (restartPolicy: Always), or the pod never starts")
	}

	// Listeners.
	tcp := map[int32]int{} // port -> listener index
	var unixListeners []Endpoint
	for i, l := range cfg.Server.Listeners {
		ep, err := ParseAddress(l.Address)
		if err != nil {
			add("server.listeners[%d].address: %v", i, err)
			continue
		}
		if ep.Unix != "" {
			unixListeners = append(unixListeners, ep)
		} else {
			tcp[ep.Port] = i
		}
	}

	// Probes: native gRPC, to a listener the kubelet can reach in plaintext without credentials.
	probes := []struct {
		name     string
		p        *corev1.Probe
		required bool
	}{{"livenessProbe", c.LivenessProbe, true}, {"readinessProbe", c.ReadinessProbe, true},
		{"startupProbe", c.StartupProbe, false}}
	for _, pr := range probes {
		if pr.p == nil {
			if pr.required {
				add("no %s", pr.name)
			}
			continue
		}
		h := pr.p.ProbeHandler
		if h.GRPC == nil || h.Exec != nil || h.HTTPGet != nil || h.TCPSocket != nil {
			add("%s must be a native gRPC probe (grpc: {port, service})", pr.name)
			continue
		}
		i, ok := tcp[h.GRPC.Port]
		if !ok {
			add("%s: port %d is no TCP listener of the config", pr.name, h.GRPC.Port)
			continue
		}
		l := cfg.Server.Listeners[i]
		ep, _ := ParseAddress(l.Address)
		switch {
		case ep.Local:
			add("%s: listener %q is loopback, but the kubelet probes the pod IP", pr.name, l.Address)
		case l.TLS != nil && (h.GRPC.Mode == nil || *h.GRPC.Mode != corev1.GRPCProbeModeTLS):
			add("%s: listener %q serves TLS, but the probe speaks plaintext", pr.name, l.Address)
		case l.AllowUnauthenticatedCallers:
			add("%s: listener %q lets anyone act as a caller; a probe needs health only", pr.name, l.Address)
		}
		// Liveness must not follow readiness: a replica whose credential or vendor is gone is
		// not stuck, and a restart cannot fix it.
		if pr.name == "livenessProbe" && (h.GRPC.Service == nil || *h.GRPC.Service != "fpgw.liveness") {
			add("livenessProbe must ask for service \"fpgw.liveness\" (SERVING while the process runs)")
		}
	}

	// Ports: every TCP listener and the metrics listener are declared.
	declared := map[int32]string{}
	for _, p := range c.Ports {
		if p.Protocol == "" || p.Protocol == corev1.ProtocolTCP {
			declared[p.ContainerPort] = p.Name
		}
	}
	for port, i := range tcp {
		if _, ok := declared[port]; !ok {
			add("listener %q: container port %d is not declared", cfg.Server.Listeners[i].Address, port)
		}
	}
	var metrics *Endpoint
	if cfg.Server.MetricsListen != "" {
		ep, err := ParseAddress(cfg.Server.MetricsListen)
		if err != nil {
			add("server.metrics_listen: %v", err)
		} else {
			metrics = &ep
			if _, ok := declared[ep.Port]; !ok && !ep.Local {
				add("server.metrics_listen %q: container port %d is not declared", cfg.Server.MetricsListen, ep.Port)
			}
		}
	}

	// Secrets: secret_stores.directory is a secret volume.
	if dir := cfg.SecretStores.Directory; dir != "" {
		m := mountOf(c, dir)
		if m == nil {
			add("secret_stores.directory %s: no volume is mounted there", dir)
		} else if v := volume(spec, m.Name); v == nil || !secretVolume(v) {
			add("secret_stores.directory %s: volume %q is not a Secret (or a projection of Secrets)", dir, m.Name)
		}
	}

	// Shutdown: the kubelet waits longer than fpgw drains.
	delay, grace, err := cfg.Drain()
	if err != nil {
		add("%v", err)
	} else if t := spec.TerminationGracePeriodSeconds; t == nil {
		add("terminationGracePeriodSeconds must be set, longer than drain_delay + drain_grace_period (%s)", delay+grace)
	} else if time.Duration(*t)*time.Second <= delay+grace {
		add("terminationGracePeriodSeconds %d is not longer than drain_delay + drain_grace_period (%s + %s)",
			*t, delay, grace)
	}

	// Unix sockets: in an emptyDir shared with the containers whose uids the callers name.
	for _, ep := range unixListeners {
		dir := filepath.Dir(ep.Unix)
		m := mountOf(c, dir)
		if m == nil || volume(spec, m.Name) == nil || volume(spec, m.Name).EmptyDir == nil {
			add("socket %s: its folder must be an emptyDir volume mounted by fpgw and the app", ep.Unix)
			continue
		}
		for _, caller := range cfg.Server.Callers {
			for _, uid := range caller.UnixUIDs {
				if !slices.ContainsFunc(allContainers(spec), func(o *corev1.Container) bool {
					u := runAsUser(inst.Pod, o)
					om := mountOf(o, dir)
					return o.Name != c.Name && u != nil && *u == uid && om != nil && om.Name == m.Name
				}) {
					add("caller %s (unix uid %d): no other container runs as that uid and mounts %s",
						caller.Name, uid, dir)
				}
			}
		}
	}

	// Metrics served beyond loopback: a NetworkPolicy must limit who connects.
	if metrics != nil && !metrics.Local {
		ps = append(ps, b.metricsPolicyProblems(inst.Pod, c, metrics.Port)...)
	}
	return ps
}

func secretVolume(v *corev1.Volume) bool {
	if v.Secret != nil {
		return true
	}
	if v.Projected == nil || len(v.Projected.Sources) == 0 {
		return false
	}
	for _, s := range v.Projected.Sources {
		if s.Secret == nil {
			return false
		}
	}
	return true
}

func selects(sel *metav1.LabelSelector, podLabels map[string]string) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && !s.Empty() && s.Matches(labels.Set(podLabels))
}

// metricsPolicyProblems: some NetworkPolicy isolates the pod for ingress, and no rule of the
// policies that select it admits everyone to the metrics port.
func (b *Bundle) metricsPolicyProblems(pod *Pod, c *corev1.Container, port int32) []string {
	var ps []string
	portName := ""
	for _, p := range c.Ports {
		if p.ContainerPort == port {
			portName = p.Name
		}
	}
	isolated := false
	for _, o := range b.Objects {
		np, ok := o.Obj.(*networkingv1.NetworkPolicy)
		if !ok || !selects(&np.Spec.PodSelector, pod.Labels) ||
			!slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) {
			continue
		}
		isolated = true
		for i, rule := range np.Spec.Ingress {
			if len(rule.From) > 0 {
				continue
			}
			admits := len(rule.Ports) == 0
			for _, p := range rule.Ports {
				if p.Port == nil ||
					(p.Port.Type == intstr.Int && p.Port.IntVal == port) ||
					(p.Port.Type == intstr.Int && p.EndPort != nil && p.Port.IntVal <= port && port <= *p.EndPort) ||
					(p.Port.Type == intstr.String && portName != "" && p.Port.StrVal == portName) {
					admits = true
				}
			}
			if admits {
				ps = append(ps, fmt.Sprintf("%s: ingress[%d] admits every source to the metrics port %d", o, i, port))
			}
		}
	}
	if !isolated {
		ps = append(ps, fmt.Sprintf(
			"metrics are served on the pod IP (port %d) but no NetworkPolicy of this folder limits who connects", port))
	}
	return ps
}

// selectedPods returns the bundle's pod templates that a label set selects.
func (b *Bundle) selectedPods(sel *metav1.LabelSelector) []*Pod {
	var out []*Pod
	for _, pod := range b.Pods() {
		if selects(sel, pod.Labels) {
			out = append(out, pod)
		}
	}
	return out
}

// serviceProblems: the Service selects a pod of the folder, every port resolves to a container
// port, and port names carry the protocol for Istio: grpc-* for fpgw's gRPC listeners, http-* for
// its metrics.
func (b *Bundle) serviceProblems(svc *corev1.Service, instances []*FpgwInstance) []string {
	var ps []string
	pods := b.selectedPods(&metav1.LabelSelector{MatchLabels: svc.Spec.Selector})
	if len(pods) == 0 {
		return []string{"its selector matches no pod template of this folder"}
	}
	for _, sp := range svc.Spec.Ports {
		if !slices.ContainsFunc(istioProtocols, func(p string) bool { return sp.Name == p || strings.HasPrefix(sp.Name, p+"-") }) {
			ps = append(ps, fmt.Sprintf("port %q: the name must start with its protocol for Istio (grpc-, http-, tcp-...)", sp.Name))
		}
		target := sp.TargetPort
		if target.Type == intstr.Int && target.IntVal == 0 {
			target = intstr.FromInt32(sp.Port)
		}
		found := false
		for _, pod := range pods {
			for _, c := range allContainers(pod.Spec) {
				for _, cp := range c.Ports {
					if (target.Type == intstr.String && cp.Name == target.StrVal) ||
						(target.Type == intstr.Int && cp.ContainerPort == target.IntVal) {
						found = true
						ps = append(ps, fpgwPortNameProblems(sp, pod, c, cp.ContainerPort, instances)...)
					}
				}
			}
		}
		if !found {
			ps = append(ps, fmt.Sprintf("port %q: targetPort %s is no container port of the selected pods", sp.Name, target.String()))
		}
	}
	return ps
}

func fpgwPortNameProblems(sp corev1.ServicePort, pod *Pod, c *corev1.Container, port int32, instances []*FpgwInstance) []string {
	for _, inst := range instances {
		if inst.Pod.Spec != pod.Spec || inst.Container != c {
			continue
		}
		for _, l := range inst.Config.Server.Listeners {
			if ep, err := ParseAddress(l.Address); err == nil && ep.Unix == "" && ep.Port == port &&
				!strings.HasPrefix(sp.Name, "grpc-") {
				return []string{fmt.Sprintf("port %q leads to fpgw's gRPC listener %q: its name must start with grpc-", sp.Name, l.Address)}
			}
		}
		if ep, err := ParseAddress(inst.Config.Server.MetricsListen); err == nil && ep.Port == port &&
			!strings.HasPrefix(sp.Name, "http-") {
			return []string{fmt.Sprintf("port %q leads to fpgw's metrics (HTTP): its name must start with http-", sp.Name)}
		}
	}
	return nil
}

func (b *Bundle) pdbProblems(pdb *policyv1.PodDisruptionBudget) []string {
	var ps []string
	if pdb.Spec.Selector == nil || len(b.selectedPods(pdb.Spec.Selector)) == 0 {
		ps = append(ps, "its selector matches no pod template of this folder")
	}
	if pdb.Spec.MinAvailable == nil && pdb.Spec.MaxUnavailable == nil {
		ps = append(ps, "neither minAvailable nor maxUnavailable is set")
	}
	return ps
}

func (b *Bundle) hpaProblems(hpa *autoscalingv2.HorizontalPodAutoscaler) []string {
	var ps []string
	ref := hpa.Spec.ScaleTargetRef
	var target *appsv1.Deployment
	for _, o := range b.Objects {
		if d, ok := o.Obj.(*appsv1.Deployment); ok && ref.Kind == "Deployment" && ref.APIVersion == "apps/v1" && d.Name == ref.Name {
			target = d
		}
	}
	switch {
	case target == nil:
		ps = append(ps, fmt.Sprintf("scaleTargetRef %s %s %q is not in this folder", ref.APIVersion, ref.Kind, ref.Name))
	case target.Spec.Replicas != nil:
		ps = append(ps, fmt.Sprintf("Deployment %q sets spec.replicas, which every apply would reset under the autoscaler", target.Name))
	}
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 2 {
		ps = append(ps, "minReplicas must be at least 2, so that a disruption or a drain leaves one serving")
	}
	if !slices.ContainsFunc(hpa.Spec.Metrics, func(m autoscalingv2.MetricSpec) bool {
		return m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil && m.Resource.Name == corev1.ResourceCPU
	}) {
		ps = append(ps, "no CPU resource metric")
	}
	return ps
}
