"""Exit codes and the one exception type the CLI turns into a message."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What `ecomops` exits with; `ecomops --help` lists them for people and Jenkins."""

    OK = 0
    TASK_FAILED = 1
    USAGE = 2
    UNREACHABLE = 3
    MISSING_CREDENTIALS = 4
    TOOL_FAILED = 5
    UNHEALTHY = 6
    ROLLED_BACK = 7
    CANCELLED = 130


EXIT_CODE_HELP = """\
exit codes:
  0  success
  1  at least one task failed on a host
  2  bad input: usage, inventory or contract errors, unknown host in --limit, a bad
     backend config, local Terraform state on a Jenkins agent
  3  at least one host was unreachable
  4  missing credentials (environment variables listed in the message)
  5  an external tool failed (terraform, AWS API, ansible-playbook itself)
  6  status found something unhealthy or unanswering (load balancer, Prometheus),
     or analyze found a release failing its thresholds
  7  the release failed its canary or its rollout and the app servers were rolled back
     to the previous release
  130 cancelled by SIGINT/SIGTERM (ansible-playbook is stopped, temporary files removed)
"""


class EcomopsError(Exception):
    """An error with a message for people and the exit code it maps to."""

    def __init__(self, message: str, code: ExitCode = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.code = code
