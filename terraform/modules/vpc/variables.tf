variable "name" {
  description = "Name of the VPC; prefixes the names of everything the module creates."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_-]{0,38}$", var.name))
    error_message = "name must start with a letter and hold at most 39 letters, digits, '-' or '_'."
  }
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && tonumber(split("/", var.cidr)[1]) >= 16 && tonumber(split("/", var.cidr)[1]) <= 24
    error_message = "cidr must be an IPv4 CIDR block between /16 and /24, for example 10.0.0.0/16."
  }
}

variable "azs" {
  description = "Availability zones to spread the subnets over, one subnet of each tier per zone."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(distinct(var.azs)) == length(var.azs)
    error_message = "azs must list at least two distinct availability zones: the ALB and the RDS subnet group need two."
  }
}

variable "public_subnets" {
  description = "CIDR blocks of the public subnets (bastions, NAT gateways, ALB), one per entry of azs, in the same order."
  type        = list(string)

  validation {
    condition     = alltrue([for c in var.public_subnets : can(cidrhost(c, 0))])
    error_message = "public_subnets must be IPv4 CIDR blocks."
  }
}

variable "private_subnets" {
  description = "CIDR blocks of the private subnets (app servers), one per entry of azs, in the same order."
  type        = list(string)

  validation {
    condition     = alltrue([for c in var.private_subnets : can(cidrhost(c, 0))])
    error_message = "private_subnets must be IPv4 CIDR blocks."
  }
}

variable "database_subnets" {
  description = "CIDR blocks of the database subnets (RDS only, no route out of the VPC), one per entry of azs, in the same order."
  type        = list(string)

  validation {
    condition     = alltrue([for c in var.database_subnets : can(cidrhost(c, 0))])
    error_message = "database_subnets must be IPv4 CIDR blocks."
  }
}

variable "single_nat_gateway" {
  description = "Use one NAT gateway for every private subnet instead of one per availability zone: cheaper, but an AZ outage then cuts every app server off the internet."
  type        = bool
  default     = false
}

variable "peer_with_default_vpc" {
  description = "Peer the VPC with the region's default VPC (where the monitoring server lives) and route between the two."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
