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

variable "deregistration_delay" {
  description = "Seconds a deregistered target keeps serving its open connections (rolling deploys wait this long)."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
