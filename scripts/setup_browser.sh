#!/usr/bin/env bash
# Install Debian's chromium for the headless report test (tests/test_report.py).
# Idempotent; never fails the caller: without root or apt it prints one line and
# exits 0 (the test then skips, unless TEXTMINE_REQUIRE_BROWSER=1).
set -u
CHROMIUM="${TEXTMINE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  echo "chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium not installed and no root/apt-get here: the headless report test will be skipped"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# A stale or empty package list finds nothing: refresh it first.
apt-get update -qq >/dev/null 2>&1 || true
if apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null 2>&1 && [ -x "$CHROMIUM" ]; then
  echo "chromium installed: $("$CHROMIUM" --version 2>/dev/null)"
else
  echo "chromium could not be installed with apt-get: the headless report test will be skipped"
fi
exit 0
