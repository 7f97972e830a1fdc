#!/usr/bin/env bash
# Installs what the serve tests need beyond Rust: Debian's chromium and chromium-driver,
# for the page's browser test (tests/serve_page.rs). Idempotent: does nothing when both
# /usr/bin/chromium and /usr/bin/chromedriver are there.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    echo "serve setup: chromium and chromedriver already installed"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk
echo "serve setup: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
