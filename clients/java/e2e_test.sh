#!/usr/bin/env bash
# End-to-end test of the Java client: Maven fetches grpc-java, protobuf-java and protoc (pinned in
# pom.xml) into .m2/, generates the messages and stubs and compiles the example, which then runs
# on a plain JVM against a live fpgw in sandbox mode; the test checks what it printed.
#
#   e2e_test.sh FPGW_BINARY REPO_ROOT
set -uo pipefail
fpgw="$(realpath "$1")"
root="$(cd "$2" && pwd)"
here="$root/clients/java"
source "$root/clients/e2e_lib.sh"
e2e_init java
cd "$here" || exit 1
mvn=(mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$here/.m2/repository")

install() {
  local pkgs=()
  command -v mvn >/dev/null || pkgs+=(maven)
  command -v javac >/dev/null || pkgs+=(default-jdk-headless)
  # Maven Central's native protoc-gen-grpc-java is not served everywhere; Debian's plugin is
  # picked up by the pom's system-grpc-java-plugin profile.
  [ -x /usr/bin/grpc_java_plugin ] || pkgs+=(protobuf-compiler-grpc-java-plugin)
  if [ "${#pkgs[@]}" -gt 0 ]; then
    local sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${pkgs[@]}" || return 1
  fi
  # Everything the build and exec:java need, fetched once into .m2/.
  "${mvn[@]}" dependency:resolve dependency:resolve-plugins
}
e2e_step "install JDK, Maven and dependencies" install
e2e_step "generate stubs and compile (mvn compile)" "${mvn[@]}" compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
e2e_run_example "$fpgw" java -cp "target/classes:$(cat target/classpath.txt 2>/dev/null)" dev.fpgw.example.Example
e2e_finish
