# tools/deps.sh — the one list of Debian 12 packages worldrunner needs, and the function that installs the missing
# ones. Sourced by tools/run_tests.sh and tools/run_demo.sh. Add a package here, in its group, with why it is needed.
# shellcheck shell=bash

WR_DEB_PACKAGES=(
  # build: compilers, CMake, pkg-config; clang-14 + libomp-14-dev for the asan/tsan presets (libomp runs clean
  # under ThreadSanitizer, gcc's libgomp does not); libclang-rt-14-dev holds clang's sanitizer runtimes (only a
  # Recommends of clang-14, and we install without recommends)
  build-essential cmake pkg-config clang-14 libomp-14-dev libclang-rt-14-dev
  # library: topology and pinning (hwloc), node-bound memory and page-placement queries (libnuma); libudev-dev
  # because hwloc's pkg-config file lists -ludev for static links (`pkg-config --static worldrunner`)
  libhwloc-dev libnuma-dev libudev-dev
  # models: libxml2 reads MJCF and URDF files (src/model/: line numbers per node, a well-kept and fuzzed parser)
  libxml2-dev
  # tests: CMocka; lstopo and numactl to inspect the machine when a NUMA test fails
  libcmocka-dev hwloc numactl
  # tests against MuJoCo 2.2.2 itself (tests/model_mujoco, linked into that test only) on its own sample models
  libmujoco-dev libmujoco-samples
  # real URDF robots for the URDF reader's tests (Barrett WAM, KUKA KR5, DRC-Hubo, Atlas in DART's data)
  dart-doc
  # NUMA lab (tests/numa_lab): a 2- and 4-node virtual machine under qemu (TCG) with a busybox initramfs
  qemu-system-x86 busybox-static cpio xz-utils
  # plots of tools/numastat and the benchmarks
  gnuplot-nox
)

# Print the packages of WR_DEB_PACKAGES (and of the arguments) that are not installed.
wr_missing_packages() {
  local pkg
  for pkg in "${WR_DEB_PACKAGES[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
      printf '%s\n' "$pkg"
    fi
  done
}

# Install what is missing with apt-get (as root, or through sudo). Extra packages may be given as arguments.
wr_install_deps() {
  local missing
  mapfile -t missing < <(wr_missing_packages "$@")
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "deps: all ${#WR_DEB_PACKAGES[@]} Debian packages already installed"
    return 0
  fi
  echo "deps: installing ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "deps: not root and no sudo; install as root: apt-get install -y ${missing[*]}" >&2
      return 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}
