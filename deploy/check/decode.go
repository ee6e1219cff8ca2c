// Package check verifies fpgw's deployment files offline. Every Kubernetes manifest under
// deploy/kubernetes is decoded into its typed k8s.io/api object the way the API server decodes
// with strict field validation (`kubectl apply --validate=strict`): unknown, misspelt, wrongly
// cased and duplicate fields are errors, and so is a kind this package does not know. The objects
// of each folder are then checked against each other and against the fpgw config they carry
// (rules.go).
package check

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// KustomizationFile is the one file of a folder that is not a Kubernetes object.
const KustomizationFile = "kustomization.yaml"

// Object is one decoded document of a manifest file.
type Object struct {
	File string // path of the file, as given
	Doc  int    // 1-based index of the document in the file
	Obj  runtime.Object
}

func (o Object) String() string {
	kind := o.Obj.GetObjectKind().GroupVersionKind().Kind
	name := ""
	if m, ok := o.Obj.(interface{ GetName() string }); ok {
		name = m.GetName()
	}
	return fmt.Sprintf("%s (document %d, %s %q)", filepath.Base(o.File), o.Doc, kind, name)
}

// The API groups deployment files may use. A kind outside them is refused rather than skipped, so
// that a file no check understands cannot slip through.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, policyv1.AddToScheme, autoscalingv2.AddToScheme,
		networkingv1.AddToScheme, rbacv1.AddToScheme, batchv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

var strictYAML = kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
	kjson.SerializerOptions{Yaml: true, Strict: true})

// DecodeDocument decodes one YAML document strictly into its typed object.
func DecodeDocument(doc []byte) (runtime.Object, error) {
	obj, _, err := strictYAML.Decode(doc, nil, nil)
	if err != nil {
		return nil, err
	}
	return obj, nil
}

// DecodeFile splits a file into its YAML documents and decodes each one strictly. A file without
// any object is an error.
func DecodeFile(path string) ([]Object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return DecodeBytes(path, data)
}

// DecodeBytes is DecodeFile on data already read; `path` names it in errors.
func DecodeBytes(path string, data []byte) ([]Object, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objects []Object
	var errs []error
	for doc := 1; ; doc++ {
		chunk, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if isBlank(chunk) {
			continue
		}
		obj, err := DecodeDocument(chunk)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s (document %d): %w", path, doc, err))
			continue
		}
		objects = append(objects, Object{File: path, Doc: doc, Obj: obj})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(objects) == 0 {
		return nil, fmt.Errorf("%s: no Kubernetes object", path)
	}
	return objects, nil
}

// isBlank reports whether a YAML document holds only comments and whitespace.
func isBlank(doc []byte) bool {
	for _, line := range strings.Split(string(doc), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") && line != "---" {
			return false
		}
	}
	return true
}

// Kustomization is the part of kustomize's schema these folders use: a plain list of resources.
type Kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
}

// DecodeKustomization reads a kustomization.yaml strictly (case-sensitive, unknown and duplicate
// fields refused): only apiVersion, kind and resources are expected.
func DecodeKustomization(data []byte) (*Kustomization, error) {
	js, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, err
	}
	var k Kustomization
	strictErrs, err := sigsjson.UnmarshalStrict(js, &k, sigsjson.DisallowUnknownFields)
	if err != nil {
		return nil, err
	}
	if len(strictErrs) > 0 {
		return nil, errors.Join(strictErrs...)
	}
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
		return nil, fmt.Errorf("expected apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization; got %q, %q",
			k.APIVersion, k.Kind)
	}
	return &k, nil
}

// Bundle is one folder of manifests: the objects applied together.
type Bundle struct {
	Dir           string
	Objects       []Object
	Kustomization *Kustomization // nil when the folder has none
	Files         []string       // the manifest files, sorted, kustomization.yaml excluded
}

// LoadBundle decodes every *.yaml and *.yml file of a folder.
func LoadBundle(dir string) (*Bundle, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	b := &Bundle{Dir: dir}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		path := filepath.Join(dir, name)
		if name == KustomizationFile {
			data, err := os.ReadFile(path)
			if err == nil {
				b.Kustomization, err = DecodeKustomization(data)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", path, err))
			}
			continue
		}
		b.Files = append(b.Files, name)
		objects, err := DecodeFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b.Objects = append(b.Objects, objects...)
	}
	sort.Strings(b.Files)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return b, nil
}

// BundleDirs lists the folders under root that hold manifests (root itself included), sorted.
func BundleDirs(root string) ([]string, error) {
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			seen[filepath.Dir(path)] = true
		}
		return nil
	})
	dirs := make([]string, 0, len(seen))
	for dir := range seen {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	return dirs, err
}
