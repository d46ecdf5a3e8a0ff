variable "name" {
  description = "Project name; hosts are named <name>_bastion_az<N>, <name>_app_az<N>[_<K>] and <name>_monitoring."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,30}$", var.name))
    error_message = "name must start with a lower-case letter and hold at most 31 lower-case letters, digits or '_' (it becomes Ansible host names)."
  }
}

variable "vpc_id" {
  description = "ID of the VPC of the bastions and app servers."
  type        = string
}

variable "azs" {
  description = "Availability zones, in the order of public_subnet_ids and private_subnet_ids."
  type        = list(string)
}

variable "public_subnet_ids" {
  description = "Public subnets, one per AZ: one bastion in each."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) == length(var.azs)
    error_message = "public_subnet_ids must hold one subnet per entry of azs, in the same order."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets, one per AZ: the app servers are spread over them."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) == length(var.azs)
    error_message = "private_subnet_ids must hold one subnet per entry of azs, in the same order."
  }
}

variable "app_security_group_id" {
  description = "Security group of the app servers (created by the vpc module); this module adds the SSH and metrics rules."
  type        = string
}

variable "monitoring_vpc_id" {
  description = "VPC of the monitoring server (the default VPC, peered with vpc_id)."
  type        = string
}

variable "monitoring_subnet_id" {
  description = "Subnet of the monitoring server in monitoring_vpc_id; it must give the instance a route to the internet."
  type        = string
}

variable "monitoring_az" {
  description = "Availability zone of monitoring_subnet_id (written to the AZ tag)."
  type        = string
}

variable "admin_cidrs" {
  description = "IPv4 ranges allowed to reach SSH on the bastions and the monitoring server, and Prometheus/Grafana."
  type        = list(string)

  validation {
    condition     = length(var.admin_cidrs) > 0 && alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "admin_cidrs must list at least one IPv4 CIDR block, none of them /0 (SSH is never open to the world)."
  }
}

variable "app_count" {
  description = "Number of app servers, spread round-robin over the availability zones."
  type        = number
  default     = 2

  validation {
    condition     = var.app_count >= 1 && var.app_count <= 20 && floor(var.app_count) == var.app_count
    error_message = "app_count must be a whole number between 1 and 20."
  }
}

variable "metrics_ports" {
  description = "Ports of the app servers the monitoring server scrapes (node_exporter, the backend's and the fraud API's /metrics)."
  type        = list(number)
  default     = [9100, 8000, 8001]
}

variable "monitoring_ports" {
  description = "Ports of the monitoring server opened to admin_cidrs (Prometheus, Grafana). SSH is not one: it comes through the bastions."
  type        = list(number)
  default     = [9090, 3000]

  validation {
    condition     = !contains(var.monitoring_ports, 22)
    error_message = "monitoring_ports must not include 22: the monitoring server takes SSH from the bastions only."
  }
}

variable "ami_id" {
  description = "AMI of every instance (an Ubuntu LTS image: the login user and Ansible expect it)."
  type        = string

  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must look like ami-0123456789abcdef0."
  }
}

variable "key_name" {
  description = "Name of an existing EC2 key pair installed for the login user of every instance."
  type        = string

  validation {
    condition     = length(trimspace(var.key_name)) > 0
    error_message = "key_name must name an existing EC2 key pair."
  }
}

variable "instance_types" {
  description = "Instance type per role."
  type = object({
    bastion    = optional(string, "t3.micro")
    app        = optional(string, "t3.small")
    monitoring = optional(string, "t3.small")
  })
  default = {}
}

variable "root_volume_sizes" {
  description = "Size in GiB of the encrypted root volume per role."
  type = object({
    bastion    = optional(number, 8)
    app        = optional(number, 30)
    monitoring = optional(number, 30)
  })
  default = {}

  validation {
    condition     = alltrue([for size in values(var.root_volume_sizes) : size >= 8 && size <= 1024])
    error_message = "Root volumes must be between 8 GiB (the Ubuntu image) and 1024 GiB."
  }
}

variable "detailed_monitoring" {
  description = "CloudWatch detailed monitoring (1-minute metrics, billed) on every instance."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
