#!/bin/bash
# Container health: does nginx answer on port 3000? The base images differ in
# the HTTP clients they ship (none in Debian's nginx image), so bash speaks
# HTTP itself.
set -eu
exec 3<>/dev/tcp/127.0.0.1/3000
printf 'GET /nginx-health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
IFS= read -r -t 5 status <&3
[[ $status == "HTTP/1."?" 200 "* ]]
