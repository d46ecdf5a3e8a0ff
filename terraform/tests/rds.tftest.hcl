# Unit tests of modules/rds with a mocked AWS provider.

# Plan-only runs: an ephemeral variable (master_password) cannot cross from
# the plan to the apply phase of a test run. override_during = plan gives the
# mocked computed values (IDs) already at plan time.
mock_provider "aws" {
  override_during = plan

  mock_resource "aws_security_group" {
    defaults = {
      id = "sg-0db0db0db0db0db0d"
    }
  }
}

variables {
  identifier               = "ecommerce-db"
  vpc_id                   = "vpc-0a1b2c3d4e5f60718"
  subnet_ids               = ["subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"]
  client_security_group_id = "sg-0a99a99a99a99a99a"
  tags                     = { Project = "ecommerce" }
}

run "postgres_is_private_encrypted_and_backed_up" {
  command = plan

  module {
    source = "./modules/rds"
  }

  assert {
    condition     = aws_db_subnet_group.this.subnet_ids == toset(["subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"]) && aws_db_instance.this.db_subnet_group_name == aws_db_subnet_group.this.name
    error_message = "The database sits in the database subnets' group."
  }

  assert {
    condition = (
      length(aws_vpc_security_group_ingress_rule.postgres_from_clients[*]) == 1 &&
      aws_vpc_security_group_ingress_rule.postgres_from_clients.security_group_id == aws_security_group.this.id &&
      aws_vpc_security_group_ingress_rule.postgres_from_clients.referenced_security_group_id == "sg-0a99a99a99a99a99a" &&
      aws_vpc_security_group_ingress_rule.postgres_from_clients.from_port == 5432 &&
      aws_vpc_security_group_ingress_rule.postgres_from_clients.to_port == 5432 &&
      aws_vpc_security_group_ingress_rule.postgres_from_clients.cidr_ipv4 == null
    )
    error_message = "5432 is open to the app servers' security group only, never to a CIDR."
  }

  assert {
    condition     = aws_db_instance.this.vpc_security_group_ids == toset([aws_security_group.this.id]) && !aws_db_instance.this.publicly_accessible
    error_message = "The instance uses only its own security group and is not publicly accessible."
  }

  assert {
    condition     = aws_db_instance.this.storage_encrypted && aws_db_instance.this.multi_az && aws_db_instance.this.backup_retention_period == 7 && aws_db_instance.this.deletion_protection && !aws_db_instance.this.skip_final_snapshot
    error_message = "Defaults: encrypted, multi-AZ, 7 days of backups, deletion protection, final snapshot."
  }

  assert {
    condition     = aws_db_instance.this.engine == "postgres" && aws_db_instance.this.db_name == "ecommerce" && aws_db_instance.this.username == "ecommerce"
    error_message = "PostgreSQL with the ecommerce database and user."
  }

  assert {
    condition     = aws_db_instance.this.manage_master_user_password && aws_db_instance.this.password == null
    error_message = "By default RDS generates the password into Secrets Manager; none is in the configuration."
  }

  assert {
    condition     = contains([for p in aws_db_parameter_group.this.parameter : "${p.name}=${p.value}"], "rds.force_ssl=1")
    error_message = "Clients must use TLS."
  }
}

run "throw_away_settings_are_variables" {
  command = plan

  module {
    source = "./modules/rds"
  }

  variables {
    multi_az                    = false
    backup_retention_period     = 1
    deletion_protection         = false
    skip_final_snapshot         = true
    manage_master_user_password = false
    master_password             = "correct-horse-battery"
  }

  assert {
    condition     = !aws_db_instance.this.multi_az && aws_db_instance.this.backup_retention_period == 1 && !aws_db_instance.this.deletion_protection && aws_db_instance.this.skip_final_snapshot && aws_db_instance.this.final_snapshot_identifier == null
    error_message = "multi_az, backups, deletion protection and the final snapshot follow the variables."
  }

  assert {
    condition     = aws_db_instance.this.manage_master_user_password == null && aws_db_instance.this.password == null && aws_db_instance.this.password_wo_version == 1
    error_message = "A given password goes through the write-only argument: it is never stored."
  }
}

run "backups_cannot_be_turned_off" {
  command = plan

  module {
    source = "./modules/rds"
  }

  variables {
    backup_retention_period = 0
  }

  expect_failures = [var.backup_retention_period]
}

run "reserved_user_names_are_refused" {
  command = plan

  module {
    source = "./modules/rds"
  }

  variables {
    username = "postgres"
  }

  expect_failures = [var.username]
}

run "short_passwords_are_refused" {
  command = plan

  module {
    source = "./modules/rds"
  }

  variables {
    manage_master_user_password = false
    master_password             = "hunter2"
  }

  expect_failures = [var.master_password]
}
