#!/usr/bin/env bash
# Fails when the library part of `deploy/install-deps.sh --runtime` is not
# exactly the set of Debian packages that own the shared libraries the built
# binaries name in DT_NEEDED. Each needed name is resolved by the dynamic
# loader (ldd) and its file looked up in dpkg's database; apt installs what
# those libraries need in turn, so indirect libraries are not listed.
#
# Usage: check_runtime_packages.sh <install-deps.sh> <skip reason> <binary>...
# An empty skip reason checks; otherwise the binaries are not the ones the
# list describes (sanitizer runtimes, no tcmalloc) and the check is skipped.
set -euo pipefail
install_deps="$1" skip_reason="$2"
shift 2

if [[ -n "$skip_reason" ]]; then
  echo "skipped: $skip_reason; the runtime list describes the default build"
  exit 77  # ctest's SKIP_RETURN_CODE for this test
fi

# Every DT_NEEDED name of every binary, where the loader finds it.
declare -A path_of=()
for binary in "$@"; do
  resolved="$(ldd "$binary")"
  while read -r soname; do
    path="$(awk -v name="$soname" '$1 == name && $2 == "=>" { print $3 }' \
      <<<"$resolved")"
    if [[ -z "$path" || "$path" == "not" ]]; then
      echo "$binary needs $soname, which the loader cannot find" >&2
      exit 1
    fi
    path_of[$soname]="$path"
  done < <(objdump -p "$binary" | awk '$1 == "NEEDED" { print $2 }')
done

# Their owners, in one dpkg query. With merged /usr the loader may report
# /lib/... for a file dpkg knows as /usr/lib/... (or the other way round),
# so both spellings are asked; lines look like
# "libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6".
candidates=()
for path in "${path_of[@]}"; do
  candidates+=("$path" "/usr$path" "${path#/usr}")
done
declare -A owner_of=()
while IFS= read -r line; do
  owner_of[${line#*: }]="${line%%[:,]*}"
done < <(dpkg-query -S "${candidates[@]}" 2>/dev/null | grep ': /' || true)
derived=()
for soname in "${!path_of[@]}"; do
  path="${path_of[$soname]}" owner=""
  for candidate in "$path" "/usr$path" "${path#/usr}"; do
    owner="${owner_of[$candidate]:-}"
    [[ -n "$owner" ]] && break
  done
  if [[ -z "$owner" ]]; then
    echo "no Debian package owns $path ($soname)" >&2
    exit 1
  fi
  derived+=("$owner")
done

derived_sorted="$(printf '%s\n' "${derived[@]}" | sort -u)"
listed_sorted="$("$install_deps" --print-runtime-libraries | sort -u)"
if ! diff -u --label "install-deps.sh --print-runtime-libraries" \
  --label "owners of the binaries' DT_NEEDED libraries" \
  <(echo "$listed_sorted") <(echo "$derived_sorted"); then
  echo
  echo "runtime_libraries in deploy/install-deps.sh should be:"
  echo "$derived_sorted" | fmt -w 74 | sed 's/^/  /'
  exit 1
fi
echo "the runtime library list matches the binaries ($(wc -l <<<"$derived_sorted") packages)"
