variable "region" {
  description = "AWS region of everything."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "project" {
  description = "Project name: tag Project on everything and prefix of the host names (<project>_bastion_az1, ...)."
  type        = string
  default     = "ecommerce"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{0,15}$", var.project))
    error_message = "project must start with a lower-case letter and hold at most 16 lower-case letters or digits (it names hosts, the ALB and the database)."
  }
}

variable "vpc_name" {
  description = "Name of the VPC."
  type        = string
  default     = "wl6vpc"
}

variable "vpc_cidr" {
  description = "IPv4 range of the VPC. Subnets are carved from it: public 1..N, private 11..N+10, database 21..N+20 (/24 for a /16). It must not overlap the default VPC (172.31.0.0/16)."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be an IPv4 CIDR block between /16 and /20, for example 10.0.0.0/16."
  }
}

variable "az_count" {
  description = "Number of availability zones to use (the first ones available in the region)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number between 2 and 6: the ALB and RDS need two AZs."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all AZs instead of one per AZ (cheaper, no longer AZ-independent)."
  type        = bool
  default     = false
}

variable "admin_cidrs" {
  description = "IPv4 ranges of the admins: SSH to the bastions and the monitoring server, Prometheus and Grafana. Never 0.0.0.0/0."
  type        = list(string)

  validation {
    condition     = length(var.admin_cidrs) > 0 && alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "admin_cidrs must list at least one IPv4 CIDR block such as 203.0.113.0/24, none of them /0."
  }
}

variable "app_count" {
  description = "Number of app servers, spread round-robin over the AZs."
  type        = number
  default     = 2

  validation {
    condition     = var.app_count >= 1 && var.app_count <= 20 && floor(var.app_count) == var.app_count
    error_message = "app_count must be a whole number between 1 and 20."
  }
}

variable "key_name" {
  description = "Name of an existing EC2 key pair; Ansible logs in with its private key."
  type        = string

  validation {
    condition     = length(trimspace(var.key_name)) > 0
    error_message = "key_name must name an existing EC2 key pair (aws ec2 describe-key-pairs)."
  }
}

variable "ssh_user" {
  description = "Login user of the AMI (ubuntu on Ubuntu images); written to the inventory output."
  type        = string
  default     = "ubuntu"
}

variable "ami_id" {
  description = "AMI of every instance; null looks up the newest Ubuntu LTS image matching ami_name_pattern."
  type        = string
  default     = null

  validation {
    condition     = var.ami_id == null ? true : can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must look like ami-0123456789abcdef0, or be null to look the image up."
  }
}

variable "ami_name_pattern" {
  description = "Name pattern of the Canonical image looked up when ami_id is null."
  type        = string
  default     = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
}

variable "ami_owners" {
  description = "Account IDs trusted for the AMI lookup (Canonical by default)."
  type        = list(string)
  default     = ["099720109477"]
}

variable "instance_types" {
  description = "Instance type per role: bastion, app, monitoring."
  type = object({
    bastion    = optional(string, "t3.micro")
    app        = optional(string, "t3.small")
    monitoring = optional(string, "t3.small")
  })
  default = {}
}

variable "root_volume_sizes" {
  description = "Encrypted root volume size in GiB per role: bastion, app, monitoring."
  type = object({
    bastion    = optional(number, 8)
    app        = optional(number, 30)
    monitoring = optional(number, 30)
  })
  default = {}
}

variable "detailed_monitoring" {
  description = "CloudWatch detailed monitoring (1-minute metrics, billed) on every instance."
  type        = bool
  default     = true
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.small"
}

variable "db_engine_version" {
  description = "PostgreSQL major version."
  type        = string
  default     = "16"
}

variable "db_allocated_storage" {
  description = "Initial database storage in GiB (autoscaling grows it)."
  type        = number
  default     = 20
}

variable "db_multi_az" {
  description = "Synchronous standby in a second AZ with automatic failover."
  type        = bool
  default     = true
}

variable "db_backup_retention_period" {
  description = "Days of automated backups (1-35)."
  type        = number
  default     = 7
}

variable "db_deletion_protection" {
  description = "Refuse to delete the database."
  type        = bool
  default     = true
}

variable "db_skip_final_snapshot" {
  description = "Destroy the database without a final snapshot (throw-away environments only)."
  type        = bool
  default     = false
}

variable "db_manage_master_user_password" {
  description = "Let RDS generate the database password into Secrets Manager (output db_master_user_secret_arn). False requires db_master_password."
  type        = bool
  default     = true
}

variable "db_master_password" {
  description = "Database password when db_manage_master_user_password is false, normally TF_VAR_db_master_password=$ECOMOPS_DB_PASSWORD. Ephemeral and write-only: never stored in the state or a plan."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "db_master_password_version" {
  description = "Bump to apply a changed db_master_password."
  type        = number
  default     = 1
}

variable "alb_ingress_cidrs" {
  description = "IPv4 ranges allowed to reach the shop through the ALB."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "certificate_arn" {
  description = "ACM certificate ARN: adds HTTPS on 443 and turns HTTP into a redirect. Null serves HTTP only."
  type        = string
  default     = null
}

variable "alb_access_logs_bucket" {
  description = "S3 bucket for the ALB's access logs (it needs the ELB log delivery policy); null disables them."
  type        = string
  default     = null
}

variable "alb_deletion_protection" {
  description = "Refuse to delete the load balancer."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Extra tags for every resource (Project and ManagedBy are always set)."
  type        = map(string)
  default     = {}
}
