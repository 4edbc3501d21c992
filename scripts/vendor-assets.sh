#!/usr/bin/env bash
# Refreshes the vendored front-end libraries from the npm registry, unmodified, with their licences,
# and writes assets/vendor/MANIFEST.tsv (package, version, npm integrity, file, SHA-256).
#   scripts/vendor-assets.sh          fetch the pinned versions below and rewrite assets/vendor/
#   scripts/vendor-assets.sh --check  verify that every vendored file still has the SHA-256 in the manifest
# Needs npm only when fetching; the check needs sha256sum only. To upgrade, change a version and run it.
set -euo pipefail
cd "$(dirname "$0")/.."
vendor=assets/vendor
manifest=$vendor/MANIFEST.tsv

# package@version, then the files taken from its tarball (paths inside package/).
packages=(
  "govuk-frontend@6.6.0 dist/govuk/govuk-frontend.min.css dist/govuk/govuk-frontend.min.js package.json README.md"
  "leaflet@1.9.4 dist/leaflet.js dist/leaflet.css dist/images/layers.png dist/images/layers-2x.png dist/images/marker-icon.png dist/images/marker-icon-2x.png dist/images/marker-shadow.png LICENSE"
  "leaflet.markercluster@1.5.3 dist/leaflet.markercluster.js dist/MarkerCluster.css MIT-LICENCE.txt"
  "axe-core@4.14.1 axe.min.js LICENSE LICENSE-3RD-PARTY.txt"
)

if [ "${1:-}" = "--check" ]; then
  bad=0
  while IFS=$'\t' read -r name version _integrity file sha; do
    [ "$name" = "package" ] && continue
    actual=$(sha256sum "$vendor/$name/$file" | cut -d' ' -f1)
    if [ "$actual" != "$sha" ]; then echo "changed or missing: $vendor/$name/$file ($name@$version)" >&2; bad=1; fi
  done <"$manifest"
  [ $bad = 0 ] && echo "vendored assets match $manifest"
  exit $bad
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'package\tversion\tnpm_integrity\tfile\tsha256\n' >"$work/manifest"
for entry in "${packages[@]}"; do
  read -r spec files <<<"$entry"
  name=${spec%@*}
  version=${spec##*@}
  integrity=$(npm view "$spec" dist.integrity)
  tarball=$(cd "$work" && npm pack --silent "$spec")
  mkdir -p "$work/$name"
  tar xzf "$work/$tarball" -C "$work/$name"
  rm -rf "${vendor:?}/$name"
  for file in $files; do
    mkdir -p "$vendor/$name/$(dirname "$file")"
    cp "$work/$name/package/$file" "$vendor/$name/$file"
    sha=$(sha256sum "$vendor/$name/$file" | cut -d' ' -f1)
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$version" "$integrity" "$file" "$sha" >>"$work/manifest"
  done
done
cp "$work/manifest" "$manifest"
echo "wrote $manifest"
