#!/usr/bin/env bash
# Removes the inline script Trunk injects into each built page (PAGE...) to
# initialise the wasm itself: the element script does that, once per page,
# and inline scripts break a strict Content-Security-Policy. Then checks
# that nothing inline remains (a strict CSP refuses it): no script without
# src, no <style>, no style attribute. Used by `make widget` and the bench.
set -euo pipefail
for page in "$@"; do
  perl -0pi -e 's{<script type="module">\s*import init from .*?</script>}{}s' "$page"
  # The full build's rust link, which Trunk skips (the hook builds it split
  # per view, see Trunk.toml) but leaves in the page.
  perl -0pi -e 's{\s*<link data-trunk rel="rust"[^>]*data-trunk-skip[^>]*>}{}s' "$page"
  if grep -q TrunkApplicationStarted "$page"; then echo "$page: Trunk's init script is still there" >&2; exit 1; fi
  if perl -0ne 'exit(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/i ? 0 : 1)' "$page"; then echo "$page: inline script or style" >&2; exit 1; fi
done
