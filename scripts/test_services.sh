#!/usr/bin/env bash
# Make the services the test suite needs available. Only acts when CI=true: there the
# PostgreSQL and browser tests must run, so a missing service is installed or started,
# and the run fails if it cannot be had. On a laptop those tests skip instead.
set -euo pipefail
[ "${CI:-}" = "true" ] || { echo "CI is not true: PostgreSQL and browser tests skip where unavailable"; exit 0; }

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium for the browser tests"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk
fi
[ -x /usr/bin/chromium ] || { echo "chromium could not be installed" >&2; exit 1; }

# libreoffice-calc prints our spreadsheets, libreoffice-writer our Word reports (月报/季报); fonts-noto-cjk draws
# their Chinese, and the report's charts (matplotlib) too.
if [ ! -x /usr/bin/soffice ] || [ ! -e /usr/lib/libreoffice/program/swriter ] || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  echo "installing Debian's libreoffice-calc, libreoffice-writer and fonts-noto-cjk: tests read our files as office programs print them"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libreoffice-calc libreoffice-writer fonts-noto-cjk fonts-liberation2
fi
[ -x /usr/bin/soffice ] || { echo "libreoffice could not be installed" >&2; exit 1; }
[ -e /usr/lib/libreoffice/program/swriter ] || { echo "libreoffice-writer could not be installed" >&2; exit 1; }

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
echo "services ready: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), LibreOffice, PostgreSQL on 127.0.0.1:5432"
