# shellcheck shell=bash
# Sourced by the scripts that install Debian packages.
#
#   missing_apt_packages PACKAGE...   prints those not installed, one per line
#   apt_install PACKAGE...            installs them (apt-get update first; sudo when not root)

missing_apt_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

apt_install() {
  [ "$#" -gt 0 ] || return 0
  local sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "$@" >&2
}
