variable "identifier" {
  description = "Identifier of the DB instance; also names its subnet group, parameter group and security group."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,61}[a-z0-9]$", var.identifier)) && !strcontains(var.identifier, "--")
    error_message = "identifier must be 2-63 lower-case letters, digits or single hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Database subnets (at least two AZs) for the DB subnet group."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must hold subnets of at least two availability zones (RDS requires it, and multi_az uses them)."
  }
}

variable "client_security_group_id" {
  description = "Security group of the only clients allowed to reach PostgreSQL (the app servers)."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL major version (RDS picks the newest minor and upgrades it in the maintenance window)."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^1[4-7]$", var.engine_version))
    error_message = "engine_version must be a supported PostgreSQL major version: 14, 15, 16 or 17."
  }
}

variable "instance_class" {
  description = "DB instance class."
  type        = string
  default     = "db.t4g.small"

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be an RDS class such as db.t4g.small."
  }
}

variable "allocated_storage" {
  description = "Initial storage in GiB; storage autoscaling grows it up to max_allocated_storage."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage >= 20 && var.allocated_storage <= 65536
    error_message = "allocated_storage must be between 20 and 65536 GiB."
  }
}

variable "max_allocated_storage" {
  description = "Upper bound in GiB for storage autoscaling (0 disables it)."
  type        = number
  default     = 100
}

variable "db_name" {
  description = "Name of the application database created with the instance."
  type        = string
  default     = "ecommerce"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must start with a letter and hold at most 63 lower-case letters, digits or '_'."
  }
}

variable "username" {
  description = "Master user name, used by the application."
  type        = string
  default     = "ecommerce"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.username)) && !contains(["admin", "postgres", "rdsadmin"], var.username)
    error_message = "username must start with a letter, hold at most 16 lower-case letters, digits or '_', and not be a reserved name (admin, postgres, rdsadmin)."
  }
}

variable "manage_master_user_password" {
  description = "Let RDS generate the master password and keep it in Secrets Manager (output master_user_secret_arn). False requires master_password."
  type        = bool
  default     = true
}

variable "master_password" {
  description = "Master password when manage_master_user_password is false. Ephemeral and write-only: it is kept in neither the state nor a plan file (set it with TF_VAR_db_master_password)."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = var.master_password == null ? true : length(var.master_password) >= 12
    error_message = "master_password must be at least 12 characters long."
  }
}

variable "master_password_version" {
  description = "Bump to push a new master_password (write-only values are not compared between runs)."
  type        = number
  default     = 1
}

variable "multi_az" {
  description = "Keep a synchronous standby in a second AZ with automatic failover."
  type        = bool
  default     = true
}

variable "backup_retention_period" {
  description = "Days of automated backups and point-in-time recovery (1-35)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_period >= 1 && var.backup_retention_period <= 35
    error_message = "backup_retention_period must be between 1 and 35 days: backups are never turned off."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (turn off, apply, then destroy)."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Delete the instance without a final snapshot (throw-away environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
