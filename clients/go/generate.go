// Package client holds the build of the fpgw Go client: `go generate .` writes the fpgw.v1
// stubs into fpgwv1/ (never committed) with protoc, protoc-gen-go and protoc-gen-go-grpc, the
// two plugins pinned as tools in go.mod. The example program is in example/.
package client

//go:generate sh -c "rm -rf fpgwv1 && protoc -I ../../proto --plugin=protoc-gen-go=$(go tool -n protoc-gen-go) --plugin=protoc-gen-go-grpc=$(go tool -n protoc-gen-go-grpc) --go_out=. --go_opt=module=github.com/fpgw/fpgw/clients/go --go-grpc_out=. --go-grpc_opt=module=github.com/fpgw/fpgw/clients/go ../../proto/fpgw/v1/*.proto"
