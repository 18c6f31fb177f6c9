#!/bin/sh
# deb post-install: the udev rule for USB-serial evaluators.
set -e
install -m 0644 /opt/HCP*/resources/linux/99-hcp-evaluator.rules /etc/udev/rules.d/99-hcp-evaluator.rules 2>/dev/null || true
udevadm control --reload-rules 2>/dev/null || true
udevadm trigger 2>/dev/null || true
