variable "name" {
  description = "Name of the load balancer; also names its target group and security group."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9-]{0,25}[a-zA-Z0-9]$", var.name)) && !startswith(var.name, "internal-")
    error_message = "name must be 2-27 letters, digits or hyphens, neither starting nor ending with a hyphen (the target group adds \"-app\")."
  }
}

variable "vpc_id" {
  description = "VPC of the load balancer and its targets."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets of at least two AZs."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must hold subnets of at least two availability zones (an ALB requires it)."
  }
}

variable "target_security_group_id" {
  description = "Security group of the targets: the module lets the load balancer reach target_port on it."
  type        = string
}

variable "target_instance_ids" {
  description = "Instances to register, by a stable name (the Ansible host name): name => instance ID."
  type        = map(string)
}

variable "target_port" {
  description = "Port the targets serve HTTP on."
  type        = number
  default     = 3000

  validation {
    condition     = var.target_port >= 1 && var.target_port <= 65535
    error_message = "target_port must be a TCP port number."
  }
}

variable "health_check_path" {
  description = "Path the load balancer probes on each target; anything but HTTP 200 takes the target out."
  type        = string
  default     = "/healthz"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with '/'."
  }
}

variable "ingress_cidrs" {
  description = "IPv4 ranges allowed to reach the load balancer (the shop's public)."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.ingress_cidrs : can(cidrhost(c, 0))])
    error_message = "ingress_cidrs must be IPv4 CIDR blocks."
  }
}

variable "certificate_arn" {
  description = "ACM certificate for an HTTPS listener on 443; HTTP then only redirects to HTTPS. Null serves plain HTTP on 80."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null ? true : can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "access_logs_bucket" {
  description = "S3 bucket (with the ELB log delivery policy) for access logs; null disables them."
  type        = string
  default     = null
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer."
  type        = bool
  default     = false
}

variable "health_check_interval" {
  description = "Seconds between two health checks of a target. The ALB does not retry a request on another target, so a dead one keeps failing requests for about interval x unhealthy_threshold: the default is the smallest the ALB allows."
  type        = number
  default     = 5

  validation {
    condition     = var.health_check_interval >= 5 && var.health_check_interval <= 300 && floor(var.health_check_interval) == var.health_check_interval
    error_message = "health_check_interval must be a whole number of seconds from 5 to 300 (the ALB's limits)."
  }
}

variable "health_check_timeout" {
  description = "Seconds a health check waits for its answer before it counts as failed; /healthz answers in milliseconds, so a target slower than this is treated as gone. Must be less than health_check_interval."
  type        = number
  default     = 2

  validation {
    condition     = var.health_check_timeout >= 2 && var.health_check_timeout <= 120 && floor(var.health_check_timeout) == var.health_check_timeout
    error_message = "health_check_timeout must be a whole number of seconds from 2 to 120 (the ALB's limits)."
  }

  validation {
    condition     = var.health_check_timeout < var.health_check_interval
    error_message = "health_check_timeout must be less than health_check_interval: the ALB refuses a check that outlasts its interval."
  }
}

variable "health_check_unhealthy_threshold" {
  description = "Consecutive failed checks that take a target out of service (with the defaults: within 10 s of it dying)."
  type        = number
  default     = 2

  validation {
    condition     = var.health_check_unhealthy_threshold >= 2 && var.health_check_unhealthy_threshold <= 10 && floor(var.health_check_unhealthy_threshold) == var.health_check_unhealthy_threshold
    error_message = "health_check_unhealthy_threshold must be a whole number from 2 to 10 (the ALB's limits)."
  }
}

variable "health_check_healthy_threshold" {
  description = "Consecutive good checks that put a (new or recovered) target back into service."
  type        = number
  default     = 2

  validation {
    condition     = var.health_check_healthy_threshold >= 2 && var.health_check_healthy_threshold <= 10 && floor(var.health_check_healthy_threshold) == var.health_check_healthy_threshold
    error_message = "health_check_healthy_threshold must be a whole number from 2 to 10 (the ALB's limits)."
  }
}

variable "deregistration_delay" {
  description = "Seconds a deregistered target keeps serving its open connections (rolling deploys wait this long). API requests last well under a second; longer only slows deploys."
  type        = number
  default     = 30

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600 && floor(var.deregistration_delay) == var.deregistration_delay
    error_message = "deregistration_delay must be a whole number of seconds from 0 to 3600 (the ALB's limits)."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
